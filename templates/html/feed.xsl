<?xml version="1.0" encoding="UTF-8"?>
<!--
  feed.xsl - the Atom 1.0 feed of amendments (html/feed.xml) from
  corpus.xml: one entry per dated amendment, newest first.  Ids and links are
  absolute under base-url when the project sets one; without it, ids are
  tag: URIs and links are relative to the feed.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns="http://www.w3.org/2005/Atom">
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
  <xsl:variable name="title">
    <xsl:choose>
      <xsl:when test="normalize-space(/corpus/project/title) != ''"><xsl:value-of select="normalize-space(/corpus/project/title)"/></xsl:when>
      <xsl:otherwise>Policies and procedures</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="slug" select="translate(translate(normalize-space($title),
      'ABCDEFGHIJKLMNOPQRSTUVWXYZ ', 'abcdefghijklmnopqrstuvwxyz-'),
      translate(normalize-space($title), 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -', ''), '')"/>
  <xsl:variable name="tag" select="concat('tag:', $slug, '.policyc.invalid,2000:')"/>
  <xsl:variable name="newest">
    <xsl:for-each select="/corpus/documents/doc/amendment[@date]">
      <xsl:sort select="@date" order="descending"/>
      <xsl:if test="position() = 1"><xsl:value-of select="@date"/></xsl:if>
    </xsl:for-each>
  </xsl:variable>

  <xsl:template match="/">
    <feed>
      <title><xsl:value-of select="concat($title, ': amendments')"/></title>
      <xsl:choose>
        <xsl:when test="$base != ''">
          <id><xsl:value-of select="concat($base, 'feed.xml')"/></id>
          <link rel="self" href="{$base}feed.xml"/>
          <link rel="alternate" type="text/html" href="{$base}whats-new.html"/>
        </xsl:when>
        <xsl:otherwise>
          <id><xsl:value-of select="concat($tag, 'feed')"/></id>
          <link rel="alternate" type="text/html" href="whats-new.html"/>
        </xsl:otherwise>
      </xsl:choose>
      <updated>
        <xsl:choose>
          <xsl:when test="$newest != ''"><xsl:value-of select="concat($newest, 'T00:00:00Z')"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="concat(/corpus/@today, 'T00:00:00Z')"/></xsl:otherwise>
        </xsl:choose>
      </updated>
      <author>
        <name>
          <xsl:choose>
            <xsl:when test="normalize-space(/corpus/project/organisation/name) != ''"><xsl:value-of select="normalize-space(/corpus/project/organisation/name)"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="$title"/></xsl:otherwise>
          </xsl:choose>
        </name>
      </author>
      <generator>policyc</generator>
      <!-- An entry's id must not change once a reader has it: it is the
           document, the date and which of that day's amendments it is,
           counted from the oldest, so that a newer amendment added above
           it (newest first) changes no other entry's id.  An undated
           amendment has no place in a dated feed (it took the build's
           day, and so a new id every day): it is on the document's page
           and under "Undated" on What's new. -->
      <xsl:for-each select="/corpus/documents/doc/amendment[@date]">
        <xsl:sort select="@date" order="descending"/>
        <xsl:sort select="../@id"/>
        <xsl:variable name="d" select="string(@date)"/>
        <xsl:variable name="n" select="count(following-sibling::amendment[@date = $d]) + 1"/>
        <entry>
          <title><xsl:value-of select="../@title"/></title>
          <id>
            <xsl:choose>
              <xsl:when test="$base != ''"><xsl:value-of select="concat($base, ../@id, '.html#amendment-', $d, '-', $n)"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="concat($tag, ../@id, '/', $d, '/', $n)"/></xsl:otherwise>
            </xsl:choose>
          </id>
          <link rel="alternate" type="text/html" href="{$base}{../@id}.html"/>
          <updated><xsl:value-of select="concat($d, 'T00:00:00Z')"/></updated>
          <summary type="text"><xsl:value-of select="normalize-space(.)"/></summary>
        </entry>
      </xsl:for-each>
    </feed>
  </xsl:template>
</xsl:stylesheet>
