<?xml version="1.0" encoding="UTF-8"?>
<!--
  404.xsl - the core's own "page not found" page (an edition inherits it) (html/404.html) a web server can
  show for a missing address.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="layout.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" omit-xml-declaration="yes" indent="no"/>

  <xsl:template match="/">
    <xsl:call-template name="page">
      <xsl:with-param name="title" select="'Page not found'"/>
      <xsl:with-param name="crumbs">
        <xsl:call-template name="crumb"><xsl:with-param name="label" select="'Page not found'"/></xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="content">
        <h1>Page not found in the regional manual</h1>
        <p class="lead">If you typed the web address, check it is correct. If you pasted it, check you copied the entire address.</p>
        <p>Documents are sometimes moved or renamed when they are reviewed. You can find every current document from the <a href="index.html">contents</a>, <a href="search.html">search</a> for it, or see <a href="whats-new.html">what has changed recently</a>.</p>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
