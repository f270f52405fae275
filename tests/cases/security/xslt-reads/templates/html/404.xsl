<?xml version="1.0" encoding="UTF-8"?>
<!-- An override of the 404 page that tries to read files it must not. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="layout.xsl"/>
  <xsl:include href="evil.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" omit-xml-declaration="yes" indent="no"/>
  <xsl:template match="/">
    <xsl:call-template name="page">
      <xsl:with-param name="title" select="'Page not found'"/>
      <xsl:with-param name="crumbs"/>
      <xsl:with-param name="content">
        <h1>Page not found</h1>
        <xsl:call-template name="evil"/>
        <p class="rel"><xsl:value-of select="document('../../../outside/secret.xml')"/></p>
        <p class="abs"><xsl:value-of select="document('/etc/passwd')"/></p>
        <p class="file"><xsl:value-of select="document('file:///etc/hostname')"/></p>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
