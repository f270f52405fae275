<?xml version="1.0" encoding="UTF-8"?>
<!--
  index.xsl - the contents page (html/index.html) from corpus.xml: the
  project's home text when it has a root index.md (html.c grafts its body
  in as /corpus/home), then every current document grouped by section
  (corpus.xml's <sections>: titles from a folder's index page or the
  sections: setting, nested folders under their parents), and superseded
  and withdrawn documents listed apart at the end.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="layout.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" omit-xml-declaration="yes" indent="no"/>

  <xsl:key name="by-section" match="/corpus/documents/doc[not(@status = 'superseded' or @status = 'withdrawn')]" use="@section"/>
  <xsl:key name="child-sections" match="/corpus/sections/section" use="string(@parent)"/>
  <xsl:key name="section" match="/corpus/sections/section" use="@path"/>
  <xsl:key name="section-graph" match="/corpus/section-graphs/graph" use="@path"/>

  <xsl:variable name="current" select="/corpus/documents/doc[not(@status = 'superseded' or @status = 'withdrawn') and @id != 'index']"/>
  <xsl:variable name="old" select="/corpus/documents/doc[@status = 'superseded' or @status = 'withdrawn']"/>
  <xsl:variable name="home" select="/corpus/home"/>
  <!-- documents at the top of the content folder, and any whose folder
       corpus.xml does not list -->
  <xsl:variable name="general" select="$current[@section = '' or not(key('section', @section))]"/>

  <xsl:template match="/">
    <xsl:call-template name="page">
      <xsl:with-param name="title">
        <xsl:choose>
          <xsl:when test="normalize-space($home/meta/title) != ''"><xsl:value-of select="normalize-space($home/meta/title)"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="$site-title"/></xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="current" select="'contents'"/>
      <xsl:with-param name="content-in-place" select="true()"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The page's content, written in place (layout.xsl "page") rather
       than made as $content and copied: every current document, by section. -->
  <xsl:template match="corpus" mode="page">
    <h1>
      <xsl:choose>
        <xsl:when test="normalize-space($home/meta/title) != ''"><xsl:value-of select="normalize-space($home/meta/title)"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$site-title"/></xsl:otherwise>
      </xsl:choose>
    </h1>
    <xsl:choose>
      <xsl:when test="$home/body/node()">
        <div class="home prose">
          <xsl:apply-templates select="$home/body" mode="body"/>
        </div>
      </xsl:when>
      <xsl:otherwise>
        <p class="lead">
          <xsl:value-of select="count($current)"/>
          <xsl:text> current policies, procedures and notices</xsl:text>
          <xsl:if test="normalize-space($org/name) != ''">
            <xsl:value-of select="concat(' published by ', normalize-space($org/name))"/>
          </xsl:if>
          <xsl:text>. Look up a term in the </xsl:text>
          <a href="glossary.html">glossary</a>
          <xsl:text> or see </xsl:text>
          <a href="whats-new.html">what has changed recently</a>
          <xsl:text>.</xsl:text>
        </p>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:variable name="tops" select="/corpus/sections/section[string(@parent) = '']"/>
    <xsl:if test="count(/corpus/sections/section) + count($old[1]) &gt; 1">
      <nav class="toc toc--inline" aria-labelledby="pc-sections-h">
        <h2 class="toc__heading" id="pc-sections-h">Sections</h2>
        <ul class="toc__list">
          <xsl:if test="$general">
            <li><a href="#section-">General</a></li>
          </xsl:if>
          <xsl:for-each select="$tops">
            <xsl:sort select="translate(@title, $pc-upper, $pc-lower)"/>
            <li><a href="#section-{translate(@path, '/', '-')}"><xsl:value-of select="@title"/></a></li>
          </xsl:for-each>
          <xsl:if test="$old">
            <li><a href="#section-superseded">Superseded and withdrawn</a></li>
          </xsl:if>
        </ul>
      </nav>
    </xsl:if>
    <xsl:if test="$general">
      <section class="contents-section" aria-labelledby="section-">
        <h2 id="section-">General</h2>
        <xsl:call-template name="doc-list"><xsl:with-param name="docs" select="$general"/></xsl:call-template>
      </section>
    </xsl:if>
    <xsl:apply-templates select="$tops" mode="contents">
      <xsl:sort select="translate(@title, $pc-upper, $pc-lower)"/>
    </xsl:apply-templates>
    <xsl:if test="$old">
      <section class="contents-section contents-section--old" aria-labelledby="section-superseded">
        <h2 id="section-superseded">Superseded and withdrawn</h2>
        <p>These documents are kept for reference. Do not follow them: each says what replaces it.</p>
        <xsl:call-template name="doc-list"><xsl:with-param name="docs" select="$old"/></xsl:call-template>
      </section>
    </xsl:if>
    <xsl:if test="not(/corpus/documents/doc)">
      <p>There are no documents yet.</p>
    </xsl:if>
  </xsl:template>

  <!-- A section: its heading (h2 at the top, h3 and h4 below), its
       current documents, then its subsections.  Every section has its
       heading, so a breadcrumb to any folder lands on an anchor. -->
  <xsl:template match="section" mode="contents">
    <xsl:variable name="sid" select="concat('section-', translate(@path, '/', '-'))"/>
    <xsl:variable name="depth" select="string-length(@path) - string-length(translate(@path, '/', ''))"/>
    <section class="contents-section contents-section--{$depth}" aria-labelledby="{$sid}">
      <xsl:element name="{concat('h', 2 + ($depth &gt; 0) + ($depth &gt; 1))}">
        <xsl:attribute name="id"><xsl:value-of select="$sid"/></xsl:attribute>
        <xsl:value-of select="@title"/>
      </xsl:element>
      <xsl:variable name="ref" select="string(@ref)"/>
      <xsl:if test="$ref != ''">
        <p class="contents-section__about"><a href="{$ref}.html">About this section</a></p>
      </xsl:if>
      <xsl:call-template name="doc-list">
        <xsl:with-param name="docs" select="key('by-section', @path)[@id != $ref]"/>
      </xsl:call-template>
      <xsl:if test="key('section-graph', @path)">
        <details class="section-graph">
          <summary>How these documents refer to each other</summary>
          <xsl:copy-of select="key('section-graph', @path)/*"/>
        </details>
      </xsl:if>
      <xsl:if test="not(key('by-section', @path)) and $old[@section = current()/@path]">
        <p class="hint">Every document in this section has been superseded or withdrawn: see <a href="#section-superseded">superseded and withdrawn documents</a>.</p>
      </xsl:if>
      <xsl:apply-templates select="key('child-sections', @path)" mode="contents">
        <xsl:sort select="translate(@title, $pc-upper, $pc-lower)"/>
      </xsl:apply-templates>
    </section>
  </xsl:template>

  <xsl:template name="doc-list">
    <xsl:param name="docs"/>
    <xsl:if test="$docs">
      <ul class="doc-list">
        <xsl:for-each select="$docs">
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
              <xsl:call-template name="review-badge"><xsl:with-param name="state" select="@review-state"/><xsl:with-param name="due" select="string(@review)"/></xsl:call-template>
            </p>
          </li>
        </xsl:for-each>
      </ul>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
