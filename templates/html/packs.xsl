<?xml version="1.0" encoding="UTF-8"?>
<!--
  packs.xsl - the downloads page (html/packs.html) from corpus.xml: each
  policy pack of policyc.yaml with its documents and its PDF (pages and
  size), then every document's own PDF by title.  html.c grafts
  <pdfs><pdf id pages kb/></pdfs> onto the corpus for what was written;
  publish.c makes the PDFs reachable as html/pdf/<id>.pdf, so a site
  deployed as its html/ folder keeps them.  Without PDFs the page says so.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="layout.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" omit-xml-declaration="yes" indent="no"/>

  <xsl:key name="pdf" match="/corpus/pdfs/pdf" use="@id"/>
  <xsl:key name="doc" match="/corpus/documents/doc" use="@id"/>

  <xsl:template match="/">
    <xsl:call-template name="page">
      <xsl:with-param name="title" select="'Policy packs and PDFs'"/>
      <xsl:with-param name="current" select="'packs'"/>
      <xsl:with-param name="crumbs">
        <xsl:call-template name="crumb"><xsl:with-param name="label" select="'Policy packs and PDFs'"/></xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="content">
        <h1>Policy packs and PDFs</h1>
        <xsl:choose>
          <xsl:when test="not(/corpus/pdfs/pdf)">
            <p class="lead">No PDFs were published with this site.</p>
          </xsl:when>
          <xsl:otherwise>
            <p class="lead">Printable PDF copies of the documents on this site, and packs that bind several documents into one booklet.</p>
            <xsl:if test="/corpus/packs/pack[key('pdf', @id)]">
              <h2 id="packs">Packs</h2>
              <ul class="doc-list">
                <xsl:for-each select="/corpus/packs/pack[key('pdf', @id)]">
                  <li class="doc-list__item">
                    <xsl:call-template name="pdf-link">
                      <xsl:with-param name="id" select="string(@id)"/>
                      <xsl:with-param name="title" select="string(@title)"/>
                    </xsl:call-template>
                    <p class="doc-list__meta">
                      <span>
                        <xsl:value-of select="count(include)"/>
                        <xsl:text> document</xsl:text><xsl:if test="count(include) != 1">s</xsl:if>
                        <xsl:if test="include"><xsl:text>: </xsl:text></xsl:if>
                        <xsl:for-each select="include">
                          <xsl:if test="position() &gt; 1">, </xsl:if>
                          <xsl:value-of select="key('doc', @ref)/@title"/>
                        </xsl:for-each>
                      </span>
                    </p>
                  </li>
                </xsl:for-each>
              </ul>
            </xsl:if>
            <h2 id="documents">Documents</h2>
            <ul class="doc-list">
              <xsl:for-each select="/corpus/documents/doc[key('pdf', @id)]">
                <xsl:sort select="translate(@title, $pc-upper, $pc-lower)"/>
                <li class="doc-list__item">
                  <xsl:call-template name="pdf-link">
                    <xsl:with-param name="id" select="string(@id)"/>
                    <xsl:with-param name="title" select="string(@title)"/>
                  </xsl:call-template>
                  <xsl:call-template name="status-badge"><xsl:with-param name="status" select="@status"/></xsl:call-template>
                </li>
              </xsl:for-each>
            </ul>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="pdf-link">
    <xsl:param name="id"/>
    <xsl:param name="title"/>
    <xsl:variable name="p" select="key('pdf', $id)"/>
    <a class="doc-list__link" href="pdf/{$id}.pdf"><xsl:value-of select="$title"/></a>
    <span class="hint">
      <xsl:call-template name="pdf-facts">
        <xsl:with-param name="pages" select="$p/@pages"/>
        <xsl:with-param name="kb" select="$p/@kb"/>
      </xsl:call-template>
    </span>
  </xsl:template>
</xsl:stylesheet>
