<?xml version="1.0" encoding="UTF-8"?>
<!--
  fragment.xsl - the body of one document (blocks and footnotes) with no
  page around it: `policyc render FILE - -to html` and the GFM spec test.
  Uses exactly the templates of body.xsl that the site pages use.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="body.xsl"/>
  <!-- cmark-gfm's HTML: no table wrappers, no checkbox labels -->
  <xsl:variable name="pc-site" select="false()"/>
  <xsl:output method="xml" encoding="UTF-8" omit-xml-declaration="yes" indent="no"/>

  <xsl:template match="/">
    <xsl:apply-templates select="/document/body" mode="body"/>
    <xsl:apply-templates select="/document/footnotes" mode="body"/>
  </xsl:template>
</xsl:stylesheet>
