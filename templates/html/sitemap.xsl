<?xml version="1.0" encoding="UTF-8"?>
<!--
  sitemap.xsl - html/sitemap.xml (sitemaps.org 0.9) from corpus.xml:
  every page of the site, absolute under base-url when the project sets
  one (relative otherwise), with the document's approval date as lastmod.
  A document's path is percent-encoded (pc:href, from htmlxsl.c).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:pc="urn:policyc"
    xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
    exclude-result-prefixes="pc">
  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>

  <!-- base-url as the model judged it (links' URL policy): used only
       when it is an http(s) URL the model did not refuse; otherwise the
       URLs stay relative. -->
  <xsl:variable name="base-raw" select="normalize-space(/corpus/project/base-url[not(@kind = 'unsafe')])"/>
  <xsl:variable name="base-scheme" select="translate(substring($base-raw, 1, 8), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"/>
  <xsl:variable name="base">
    <xsl:if test="(starts-with($base-scheme, 'https://') or starts-with($base-scheme, 'http://')) and not(contains($base-raw, ' ')) and not(contains($base-raw, '&quot;')) and not(contains($base-raw, '&lt;'))">
      <xsl:value-of select="$base-raw"/>
      <xsl:if test="substring($base-raw, string-length($base-raw)) != '/'">/</xsl:if>
    </xsl:if>
  </xsl:variable>

  <xsl:template match="/">
    <urlset>
      <url><loc><xsl:value-of select="concat($base, 'index.html')"/></loc></url>
      <url><loc><xsl:value-of select="concat($base, 'glossary.html')"/></loc></url>
      <url><loc><xsl:value-of select="concat($base, 'whats-new.html')"/></loc></url>
      <url><loc><xsl:value-of select="concat($base, 'review.html')"/></loc></url>
      <url><loc><xsl:value-of select="concat($base, 'search.html')"/></loc></url>
      <xsl:for-each select="/corpus/documents/doc">
        <url>
          <!-- a sitemap's URLs are ASCII: an id's other characters
               percent-encoded as UTF-8 (pc:href, as links in the body) -->
          <loc><xsl:value-of select="concat($base, pc:href(concat(@id, '.html')))"/></loc>
          <xsl:variable name="last">
            <xsl:choose>
              <xsl:when test="amendment[@date]"><xsl:value-of select="amendment[@date][1]/@date"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="@approved"/></xsl:otherwise>
            </xsl:choose>
          </xsl:variable>
          <xsl:if test="string-length($last) = 10"><lastmod><xsl:value-of select="$last"/></lastmod></xsl:if>
        </url>
      </xsl:for-each>
    </urlset>
  </xsl:template>
</xsl:stylesheet>
