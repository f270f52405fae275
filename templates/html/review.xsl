<?xml version="1.0" encoding="UTF-8"?>
<!--
  review.xsl - the review dashboard (html/review.html) from corpus.xml:
  documents whose review is overdue, those due within the warning window
  (review-due-soon, 60 days by default), and every document by owner.
  States come from the compiler (the same - -today the rules use).
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="layout.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" omit-xml-declaration="yes" indent="no"/>

  <xsl:key name="by-owner" match="/corpus/documents/doc" use="normalize-space(@owner)"/>

  <xsl:template match="/">
    <xsl:call-template name="page">
      <xsl:with-param name="title" select="'Review dates'"/>
      <xsl:with-param name="current" select="'review'"/>
      <xsl:with-param name="crumbs">
        <xsl:call-template name="crumb"><xsl:with-param name="label" select="'Review dates'"/></xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="content-in-place" select="true()"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The page's content, written in place (layout.xsl "page"): made as
       $content only to be copied into the page, it was a quarter of the
       transform (a row per document, and a row per document again by
       owner). -->
  <xsl:template match="corpus" mode="page">
    <xsl:variable name="docs" select="/corpus/documents/doc"/>
    <xsl:variable name="live" select="$docs[not(@status = 'draft' or @status = 'withdrawn' or @status = 'superseded')]"/>
    <h1>Review dates</h1>
    <p class="lead">
      <xsl:text>Which documents need reviewing, as of </xsl:text>
      <xsl:call-template name="date"><xsl:with-param name="d" select="string(/corpus/@today)"/></xsl:call-template>
      <xsl:text>.</xsl:text>
    </p>
    <ul class="stats">
      <li class="stats__item stats__item--red"><span class="stats__n"><xsl:value-of select="count($live[@review-state = 'overdue'])"/></span> overdue</li>
      <li class="stats__item stats__item--yellow"><span class="stats__n"><xsl:value-of select="count($live[@review-state = 'due-soon'])"/></span> due soon</li>
      <li class="stats__item stats__item--green"><span class="stats__n"><xsl:value-of select="count($live[@review-state = 'current'])"/></span> in date</li>
      <li class="stats__item"><span class="stats__n"><xsl:value-of select="count($live[@review-state = 'none' or not(@review-state)])"/></span> no date</li>
    </ul>

    <h2 id="overdue">Overdue</h2>
    <xsl:call-template name="table">
      <xsl:with-param name="rows" select="$live[@review-state = 'overdue']"/>
      <xsl:with-param name="caption" select="'Documents whose review is overdue, most overdue first'"/>
      <xsl:with-param name="none" select="'No document is overdue for review.'"/>
    </xsl:call-template>

    <h2 id="due-soon">Due soon</h2>
    <xsl:call-template name="table">
      <xsl:with-param name="rows" select="$live[@review-state = 'due-soon']"/>
      <xsl:with-param name="caption" select="'Documents due for review soon, soonest first'"/>
      <xsl:with-param name="none" select="'No document is due for review soon.'"/>
    </xsl:call-template>

    <h2 id="by-owner">By owner</h2>
    <!-- corpus.xml lists each owner once (<owners>): grouping the
         documents here with key() per document was quadratic -->
    <xsl:for-each select="/corpus/owners/owner">
      <xsl:sort select="@name"/>
      <xsl:variable name="o" select="string(@name)"/>
      <h3>
        <xsl:choose><xsl:when test="$o != ''"><xsl:value-of select="$o"/></xsl:when><xsl:otherwise>No owner given</xsl:otherwise></xsl:choose>
      </h3>
      <xsl:call-template name="table">
        <xsl:with-param name="rows" select="key('by-owner', $o)"/>
        <xsl:with-param name="caption" select="concat('Documents owned by ', $o)"/>
        <xsl:with-param name="none" select="''"/>
      </xsl:call-template>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="table">
    <xsl:param name="rows"/>
    <xsl:param name="caption"/>
    <xsl:param name="none"/>
    <xsl:choose>
      <xsl:when test="$rows">
        <div class="table-wrap">
          <!-- on a phone each row is a block with its labels (data-label,
               shown by style.css): four columns do not fit 320 px -->
          <table class="data stack">
            <caption class="visually-hidden"><xsl:value-of select="$caption"/></caption>
            <thead>
              <tr><th scope="col">Document</th><th scope="col">Owner</th><th scope="col">Review due</th><th scope="col">Status</th></tr>
            </thead>
            <tbody>
              <xsl:for-each select="$rows">
                <xsl:sort select="@days" data-type="number"/>
                <xsl:sort select="@title"/>
                <tr>
                  <td><a href="{@id}.html"><xsl:value-of select="@title"/></a></td>
                  <td data-label="Owner"><xsl:value-of select="@owner"/></td>
                  <td class="nowrap" data-label="Review due">
                    <xsl:choose>
                      <xsl:when test="@review">
                        <xsl:call-template name="date"><xsl:with-param name="d" select="string(@review)"/></xsl:call-template>
                        <xsl:if test="@days">
                          <br/><span class="hint"><xsl:call-template name="days-phrase"><xsl:with-param name="days" select="@days"/><xsl:with-param name="d" select="string(@review)"/></xsl:call-template></span>
                        </xsl:if>
                      </xsl:when>
                      <xsl:otherwise>Not set</xsl:otherwise>
                    </xsl:choose>
                  </td>
                  <td data-label="Status">
                    <xsl:call-template name="status-badge"><xsl:with-param name="status" select="@status"/></xsl:call-template>
                    <xsl:call-template name="review-badge"><xsl:with-param name="state" select="@review-state"/><xsl:with-param name="due" select="string(@review)"/></xsl:call-template>
                  </td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </xsl:when>
      <xsl:when test="$none != ''"><p><xsl:value-of select="$none"/></p></xsl:when>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
