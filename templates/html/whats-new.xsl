<?xml version="1.0" encoding="UTF-8"?>
<!--
  whats-new.xsl - "What's new" (html/whats-new.html) from corpus.xml:
  every amendment of every document, newest first, grouped by year.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="layout.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" omit-xml-declaration="yes" indent="no"/>

  <xsl:key name="by-year" match="/corpus/documents/doc/amendment" use="substring(@date, 1, 4)"/>

  <xsl:template match="/">
    <xsl:call-template name="page">
      <xsl:with-param name="title" select="'What&#8217;s new'"/>
      <xsl:with-param name="current" select="'whats-new'"/>
      <xsl:with-param name="crumbs">
        <xsl:call-template name="crumb"><xsl:with-param name="label" select="'What&#8217;s new'"/></xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="content-in-place" select="true()"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The page's content, written in place (layout.xsl "page") rather
       than made as $content and copied: the amendments of every document. -->
  <xsl:template match="corpus" mode="page">
    <h1>What&#8217;s new</h1>
    <p class="lead">Changes to these policies and procedures, newest first. You can also follow them in a feed reader with the <a href="feed.xml">amendments feed</a>.</p>
    <xsl:variable name="all" select="/corpus/documents/doc/amendment"/>
    <xsl:for-each select="$all[generate-id() = generate-id(key('by-year', substring(@date, 1, 4))[1])]">
      <xsl:sort select="substring(@date, 1, 4)" order="descending"/>
      <xsl:variable name="y" select="substring(@date, 1, 4)"/>
      <section aria-labelledby="year-{$y}{substring('undated', 1, 7 * ($y = ''))}">
        <h2 id="year-{$y}{substring('undated', 1, 7 * ($y = ''))}">
          <xsl:choose><xsl:when test="$y != ''"><xsl:value-of select="$y"/></xsl:when><xsl:otherwise>Undated</xsl:otherwise></xsl:choose>
        </h2>
        <ul class="updates">
          <xsl:for-each select="key('by-year', $y)">
            <xsl:sort select="@date" order="descending"/>
            <xsl:sort select="../@title"/>
            <li class="updates__item">
              <p class="updates__date">
                <xsl:call-template name="date"><xsl:with-param name="d" select="string(@date)"/></xsl:call-template>
              </p>
              <p class="updates__title"><a href="{../@id}.html"><xsl:value-of select="../@title"/></a></p>
              <p class="updates__summary"><xsl:value-of select="."/><xsl:apply-templates select="@generated" mode="pc-generated"/></p>
            </li>
          </xsl:for-each>
        </ul>
      </section>
    </xsl:for-each>
    <xsl:if test="not($all)">
      <p>No amendments have been recorded yet.</p>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
