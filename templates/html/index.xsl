<?xml version="1.0" encoding="UTF-8"?>
<!--
  index.xsl - the contents page (html/index.html) from corpus.xml: every
  document grouped by its folder (section), with its type and review
  status, and the latest amendments.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="layout.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" omit-xml-declaration="yes" indent="no"/>

  <xsl:key name="by-section" match="/corpus/documents/doc" use="@section"/>

  <xsl:template match="/">
    <xsl:call-template name="page">
      <xsl:with-param name="title" select="$site-title"/>
      <xsl:with-param name="current" select="'contents'"/>
      <xsl:with-param name="content">
        <h1><xsl:value-of select="$site-title"/></h1>
        <p class="lead">
          <xsl:value-of select="count(/corpus/documents/doc)"/>
          <xsl:text> policies, procedures and notices</xsl:text>
          <xsl:if test="normalize-space($org/name) != ''">
            <xsl:value-of select="concat(' published by ', normalize-space($org/name))"/>
          </xsl:if>
          <xsl:text>. Look up a term in the </xsl:text>
          <a href="glossary.html">glossary</a>
          <xsl:text> or see </xsl:text>
          <a href="whats-new.html">what has changed recently</a>
          <xsl:text>.</xsl:text>
        </p>
        <xsl:variable name="sections" select="/corpus/documents/doc[generate-id() = generate-id(key('by-section', @section)[1])]"/>
        <xsl:if test="count($sections) &gt; 1">
          <nav class="toc toc--inline" aria-labelledby="pc-sections-h">
            <h2 class="toc__heading" id="pc-sections-h">Sections</h2>
            <ul class="toc__list">
              <xsl:for-each select="$sections">
                <xsl:sort select="@section"/>
                <li><a href="#section-{translate(@section, '/', '-')}">
                  <xsl:call-template name="section-name"><xsl:with-param name="s" select="@section"/></xsl:call-template>
                </a></li>
              </xsl:for-each>
            </ul>
          </nav>
        </xsl:if>
        <xsl:for-each select="$sections">
          <xsl:sort select="@section"/>
          <xsl:variable name="sid" select="concat('section-', translate(@section, '/', '-'))"/>
          <section class="contents-section" aria-labelledby="{$sid}">
            <h2 id="{$sid}">
              <xsl:call-template name="section-name"><xsl:with-param name="s" select="@section"/></xsl:call-template>
            </h2>
            <ul class="doc-list">
              <xsl:for-each select="key('by-section', @section)">
                <xsl:sort select="translate(@title, $pc-upper, $pc-lower)"/>
                <li class="doc-list__item">
                  <a class="doc-list__link" href="{@id}.html"><xsl:value-of select="@title"/></a>
                  <p class="doc-list__meta">
                    <span>
                      <xsl:choose>
                        <xsl:when test="normalize-space(@type) != ''">
                          <xsl:call-template name="capitalise"><xsl:with-param name="s" select="normalize-space(@type)"/></xsl:call-template>
                        </xsl:when>
                        <xsl:otherwise>Document</xsl:otherwise>
                      </xsl:choose>
                    </span>
                    <xsl:if test="@review">
                      <span>
                        <xsl:text>review due </xsl:text>
                        <xsl:call-template name="date"><xsl:with-param name="d" select="string(@review)"/></xsl:call-template>
                      </span>
                    </xsl:if>
                    <xsl:call-template name="status-badge"><xsl:with-param name="status" select="@status"/></xsl:call-template>
                    <xsl:call-template name="review-badge"><xsl:with-param name="state" select="@review-state"/></xsl:call-template>
                  </p>
                </li>
              </xsl:for-each>
            </ul>
          </section>
        </xsl:for-each>
        <xsl:if test="not(/corpus/documents/doc)">
          <p>There are no documents yet.</p>
        </xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
