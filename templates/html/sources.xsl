<?xml version="1.0" encoding="UTF-8"?>
<!--
  sources.xsl - the Sources page (html/sources.html) from corpus.xml:
  every source of statutory guidance in the registry (data/sources.yaml
  and the project's sources:), its editions newest first with the date
  each came in and what replaced it, and the documents citing each
  edition (declared in cites: or found in the text), so the day guidance
  changes the documents to review are listed.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="layout.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" omit-xml-declaration="yes" indent="no"/>

  <xsl:template match="/">
    <xsl:call-template name="page">
      <xsl:with-param name="title" select="'Sources'"/>
      <xsl:with-param name="current" select="'sources'"/>
      <xsl:with-param name="crumbs">
        <xsl:call-template name="crumb"><xsl:with-param name="label" select="'Sources'"/></xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="content-in-place" select="true()"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The page's content, written in place (layout.xsl "page") rather
       than made as $content and copied: every source with the documents citing it. -->
  <xsl:template match="corpus" mode="page">
    <h1>Sources</h1>
    <p class="lead">The statutory guidance and legislation these documents rely on, each edition with the documents that cite it. Documents citing a replaced edition need review.</p>
    <xsl:variable name="cited" select="/corpus/sources/source[.//cited-by]"/>
    <xsl:variable name="uncited" select="/corpus/sources/source[not(.//cited-by)]"/>
    <xsl:for-each select="$cited">
      <xsl:sort select="@title"/>
      <xsl:call-template name="source"/>
    </xsl:for-each>
    <xsl:if test="$uncited">
      <h2 id="not-cited">Not cited</h2>
      <ul>
        <xsl:for-each select="$uncited">
          <xsl:sort select="@title"/>
          <li><xsl:call-template name="source-title"/></li>
        </xsl:for-each>
      </ul>
    </xsl:if>
  </xsl:template>

  <xsl:template name="source-title">
    <xsl:choose>
      <xsl:when test="@url"><a href="{@url}"><xsl:value-of select="@title"/></a></xsl:when>
      <xsl:otherwise><xsl:value-of select="@title"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="source">
    <section class="source" id="source-{@id}" aria-labelledby="source-{@id}-h">
      <h2 id="source-{@id}-h"><xsl:call-template name="source-title"/></h2>
      <div class="table-wrap">
        <table class="data">
          <caption class="visually-hidden">Editions of <xsl:value-of select="@title"/> and the documents citing each</caption>
          <thead>
            <tr><th scope="col">Edition</th><th scope="col">In force</th><th scope="col">Cited by</th></tr>
          </thead>
          <tbody>
            <xsl:for-each select="edition">
              <xsl:sort select="@date" order="descending"/>
              <tr>
                <th scope="row">
                  <xsl:value-of select="@name"/>
                  <xsl:if test="@replaced-by">
                    <br/><span class="hint">Replaced by <xsl:value-of select="@replaced-by"/> on <xsl:call-template name="date"><xsl:with-param name="d" select="string(@replaced-on)"/></xsl:call-template></span>
                  </xsl:if>
                </th>
                <td class="nowrap"><xsl:call-template name="date"><xsl:with-param name="d" select="string(@date)"/></xsl:call-template></td>
                <td><xsl:call-template name="cited-by"><xsl:with-param name="stale" select="boolean(@replaced-by)"/></xsl:call-template></td>
              </tr>
            </xsl:for-each>
            <xsl:if test="cited-by">
              <tr>
                <th scope="row">Edition not named</th>
                <td></td>
                <td><xsl:call-template name="cited-by"/></td>
              </tr>
            </xsl:if>
          </tbody>
        </table>
      </div>
    </section>
  </xsl:template>

  <xsl:template name="cited-by">
    <xsl:param name="stale" select="false()"/>
    <xsl:choose>
      <xsl:when test="cited-by">
        <xsl:if test="$stale"><strong class="tag tag--red">Review</strong></xsl:if>
        <ul>
          <xsl:for-each select="cited-by">
            <xsl:sort select="@title"/>
            <li>
              <a href="{@doc}.html"><xsl:value-of select="@title"/></a>
              <xsl:if test="@section"> (<xsl:value-of select="@section"/>)</xsl:if>
              <xsl:if test="@how = 'mention'"> <span class="hint"> named in the text</span></xsl:if>
            </li>
          </xsl:for-each>
        </ul>
      </xsl:when>
      <xsl:otherwise><span class="hint">None</span></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
