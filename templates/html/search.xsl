<?xml version="1.0" encoding="UTF-8"?>
<!--
  search.xsl - the search page (html/search.html).  The index is
  search-index.js, written by html.c from the document trees; search.js
  reads it as a plain <script> (no fetch), so searching works from file://
  and any sub-path.  Without JavaScript the page says so and links the
  contents and the glossary.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="layout.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" omit-xml-declaration="yes" indent="no"/>

  <xsl:template match="/">
    <xsl:call-template name="page">
      <xsl:with-param name="title" select="'Search'"/>
      <xsl:with-param name="current" select="'search'"/>
      <xsl:with-param name="crumbs">
        <xsl:call-template name="crumb"><xsl:with-param name="label" select="'Search'"/></xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="content">
        <h1>Search</h1>
        <form class="search-form" action="search.html" method="get" role="search" aria-label="Policies and procedures">
          <label class="label" for="search-q">Search titles, headings, glossary terms and text</label>
          <div class="search-form__row">
            <input class="search-form__input" id="search-q" name="q" type="search" autocomplete="off" aria-describedby="search-status"/>
            <button class="search-form__button" type="submit">Search</button>
          </div>
        </form>
        <p id="search-status" class="search-status" role="status" aria-live="polite"></p>
        <ol id="search-results" class="search-results"></ol>
        <noscript>
          <div class="notice">
            <p>Search needs JavaScript, which is turned off in your browser. You can still find every document from the <a href="index.html">contents</a> and look up terms in the <a href="glossary.html">glossary</a>.</p>
          </div>
        </noscript>
      </xsl:with-param>
      <xsl:with-param name="scripts">
        <script src="search-index.js"></script>
        <script src="search.js"></script>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
