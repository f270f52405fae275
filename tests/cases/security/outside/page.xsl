<?xml version="1.0" encoding="UTF-8"?>
<!-- A 404 template outside every project, which a symlink in a project names. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="layout.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" omit-xml-declaration="yes" indent="no"/>
  <xsl:template match="/">
    <xsl:call-template name="page">
      <xsl:with-param name="title" select="'Page not found'"/>
      <xsl:with-param name="crumbs"/>
      <xsl:with-param name="content">
        <h1>POLICYC-OUTSIDE-MARKER-5e1f</h1>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
