<?xml version="1.0" encoding="UTF-8"?>
<!--
  document.xsl - the page of one document (html/<id>.html) from its
  OUT/xml/<id>.xml tree: breadcrumb by folder, title, status and review
  badges, the latest amendment, on-page contents, the body (body.xsl),
  footnotes, Related and Referenced by, and the document control table
  with history and every amendment.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:pc="urn:policyc"
    extension-element-prefixes="pc"
    exclude-result-prefixes="pc">

  <xsl:import href="layout.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" omit-xml-declaration="yes" indent="no"/>

  <xsl:variable name="meta" select="/document/meta"/>

  <xsl:template match="/">
    <!-- the whole page: these templates, or the same result made in C
         (compiler/htmlpage.c) when they are the shipped ones -->
    <xsl:choose>
      <xsl:when test="pc:page-in-c()"><pc:page/></xsl:when>
      <xsl:otherwise><xsl:call-template name="document-page"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="document-page">
    <xsl:call-template name="page">
      <xsl:with-param name="title" select="normalize-space($meta/title)"/>
      <xsl:with-param name="crumbs">
        <xsl:choose>
          <!-- the section trail html.c hands the page (corpus.xml's
               sections from the top down): every section has a heading
               on the contents page -->
          <xsl:when test="/document/trail/section">
            <xsl:for-each select="/document/trail/section">
              <xsl:call-template name="crumb">
                <xsl:with-param name="href" select="concat($pc-root, 'index.html#section-', translate(@path, '/', '-'))"/>
                <xsl:with-param name="current" select="false()"/>
                <xsl:with-param name="label" select="string(@title)"/>
              </xsl:call-template>
            </xsl:for-each>
            <xsl:call-template name="crumb">
              <xsl:with-param name="label" select="normalize-space($meta/title)"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise>
            <xsl:call-template name="folder-crumbs">
              <xsl:with-param name="rest" select="string(/document/@id)"/>
              <xsl:with-param name="up" select="$pc-root"/>
            </xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="content-in-place" select="true()"/>
      <xsl:with-param name="scripts">
        <script src="{$pc-root}page.js"></script>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- One crumb per folder of the id, then the page itself.  Only the
       document's own section is sure to have a place on the contents page
       (a folder holding only subfolders has none), so only it is a link;
       the other folders are text. -->
  <xsl:template name="folder-crumbs">
    <xsl:param name="rest"/>
    <xsl:param name="done" select="''"/>
    <xsl:param name="up"/>
    <xsl:choose>
      <xsl:when test="contains($rest, '/')">
        <xsl:variable name="seg" select="substring-before($rest, '/')"/>
        <xsl:variable name="path" select="concat($done, $seg)"/>
        <xsl:call-template name="crumb">
          <xsl:with-param name="href">
            <xsl:if test="$path = string(/document/@section)">
              <xsl:value-of select="concat($up, 'index.html#section-', translate($path, '/', '-'))"/>
            </xsl:if>
          </xsl:with-param>
          <xsl:with-param name="current" select="false()"/>
          <xsl:with-param name="label">
            <xsl:call-template name="section-name"><xsl:with-param name="s" select="$seg"/></xsl:call-template>
          </xsl:with-param>
        </xsl:call-template>
        <xsl:call-template name="folder-crumbs">
          <xsl:with-param name="rest" select="substring-after($rest, '/')"/>
          <xsl:with-param name="done" select="concat($path, '/')"/>
          <xsl:with-param name="up" select="$up"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="crumb">
          <xsl:with-param name="label" select="normalize-space($meta/title)"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="document" mode="page">
    <div class="doc-header">
      <p class="caption">
        <xsl:choose>
          <xsl:when test="normalize-space($meta/type) != ''">
            <xsl:call-template name="capitalise"><xsl:with-param name="s" select="normalize-space($meta/type)"/></xsl:call-template>
          </xsl:when>
          <xsl:otherwise>Document</xsl:otherwise>
        </xsl:choose>
        <xsl:if test="@section != ''">
          <xsl:text> &#183; </xsl:text>
          <xsl:choose>
            <xsl:when test="trail/section"><xsl:value-of select="trail/section[last()]/@title"/></xsl:when>
            <xsl:otherwise><xsl:call-template name="section-name"><xsl:with-param name="s" select="@section"/></xsl:call-template></xsl:otherwise>
          </xsl:choose>
        </xsl:if>
      </p>
      <!-- The title heading is not repeated in the body; its anchor
           (meta/title/@id, the slug of the heading that gave the title)
           is kept here. -->
      <h1 class="doc-title">
        <xsl:if test="string($meta/title/@id) != ''">
          <xsl:attribute name="id"><xsl:value-of select="$meta/title/@id"/></xsl:attribute>
        </xsl:if>
        <xsl:value-of select="$meta/title"/>
      </h1>
      <xsl:if test="@local"><p class="local-doc">Local procedure — <xsl:value-of select="@local"/></p></xsl:if>
      <p class="doc-badges">
        <xsl:call-template name="status-badge"><xsl:with-param name="status" select="normalize-space($meta/status)"/></xsl:call-template>
        <xsl:call-template name="review-badge">
          <xsl:with-param name="state" select="$meta/review/@state"/>
          <xsl:with-param name="due" select="string($meta/review/@due)"/>
        </xsl:call-template>
        <xsl:if test="$meta/review/@due">
          <span class="doc-badges__text">
            <xsl:text>Review due </xsl:text>
            <xsl:call-template name="date"><xsl:with-param name="d" select="string($meta/review/@due)"/></xsl:call-template>
            <xsl:if test="$meta/review/@state = 'overdue' or $meta/review/@state = 'due-soon'">
              <xsl:text> (</xsl:text>
              <xsl:call-template name="days-phrase"><xsl:with-param name="days" select="$meta/review/@days"/><xsl:with-param name="d" select="string($meta/review/@due)"/></xsl:call-template>
              <xsl:text>)</xsl:text>
            </xsl:if>
          </span>
        </xsl:if>
      </p>
      <xsl:if test="$pdf-pages != ''">
        <p class="doc-download">
          <a href="{$pc-root}pdf/{/document/@id}.pdf">
            <xsl:text>Download this </xsl:text>
            <xsl:choose>
              <xsl:when test="normalize-space($meta/type) != ''"><xsl:value-of select="translate(normalize-space($meta/type), $pc-upper, $pc-lower)"/></xsl:when>
              <xsl:otherwise>document</xsl:otherwise>
            </xsl:choose>
          </a>
          <xsl:call-template name="pdf-facts">
            <xsl:with-param name="pages" select="$pdf-pages"/>
            <xsl:with-param name="kb" select="$pdf-kb"/>
          </xsl:call-template>
        </p>
      </xsl:if>
    </div>

    <xsl:if test="$meta/superseded-by or $meta/status = 'withdrawn' or $meta/status = 'superseded'">
      <div class="notice notice--warning" role="note">
        <p>
          <strong>
            <xsl:choose>
              <xsl:when test="$meta/status = 'withdrawn'">This document has been withdrawn.</xsl:when>
              <xsl:otherwise>This document has been superseded.</xsl:otherwise>
            </xsl:choose>
          </strong>
          <xsl:if test="$meta/superseded-by">
            <xsl:text> Use </xsl:text>
            <xsl:choose>
              <!-- xmlout.c gives a title only to a document it found -->
              <xsl:when test="$meta/superseded-by/@title">
                <a href="{$pc-root}{$meta/superseded-by/@ref}.html"><xsl:value-of select="$meta/superseded-by/@title"/></a>
              </xsl:when>
              <xsl:otherwise>
                <span class="link-unresolved"><xsl:value-of select="$meta/superseded-by/@ref"/></span>
              </xsl:otherwise>
            </xsl:choose>
            <xsl:text> instead.</xsl:text>
          </xsl:if>
        </p>
      </div>
    </xsl:if>
    <xsl:if test="$meta/status = 'draft'">
      <div class="notice notice--warning" role="note"><p><strong>Draft.</strong> This document has not been approved yet.</p></div>
    </xsl:if>

    <div class="doc-layout">
      <xsl:if test="body/section | body/local/section">
        <xsl:attribute name="class">doc-layout doc-layout--toc</xsl:attribute>
      </xsl:if>
      <xsl:if test="body/section | body/local/section">
        <nav class="toc" aria-labelledby="pc-toc-h">
          <h2 class="toc__heading" id="pc-toc-h">On this page</h2>
          <ol>
            <!-- headings that carry their own numbers ("4. Duties") get
                 no list numbers beside them -->
            <xsl:attribute name="class">
              <xsl:text>toc__list</xsl:text>
              <xsl:if test="body/section[translate(substring(normalize-space(heading), 1, 1), '0123456789', '') = '']"> toc__list--plain</xsl:if>
            </xsl:attribute>
            <xsl:apply-templates select="body/section | body/local/section" mode="toc"/>
          </ol>
        </nav>
      </xsl:if>
      <div class="doc-main">
        <xsl:if test="$meta/amendments/amendment">
          <xsl:variable name="a" select="$meta/amendments/amendment[1]"/>
          <aside class="amendment" aria-labelledby="pc-amendment-h">
            <h2 class="amendment__heading" id="pc-amendment-h">Amendment</h2>
            <p>
              <xsl:if test="$a/@date">
                <strong><xsl:call-template name="date"><xsl:with-param name="d" select="string($a/@date)"/></xsl:call-template></strong>
                <xsl:text>: </xsl:text>
              </xsl:if>
              <xsl:value-of select="$a"/>
              <xsl:apply-templates select="$a/@generated" mode="pc-generated"/>
            </p>
            <xsl:if test="count($meta/amendments/amendment) &gt; 1">
              <p><a href="#pc-amendments">All <xsl:value-of select="count($meta/amendments/amendment)"/> amendments to this document</a></p>
            </xsl:if>
          </aside>
        </xsl:if>

        <xsl:if test="related/*">
          <section class="doc-related doc-related--top" aria-labelledby="pc-related-h">
            <h2 id="pc-related-h">Related guidance</h2>
            <ul class="link-list">
              <xsl:for-each select="related/ref">
                <!-- current documents first; superseded ones after -->
                <xsl:sort select="number(string(@status) != '')" data-type="number"/>
                <li>
                  <a href="{$pc-root}{@ref}.html"><xsl:value-of select="@title"/></a>
                  <xsl:call-template name="ref-status"/>
                  <xsl:if test="string(@note) != ''">
                    <span class="link-list__note"><xsl:value-of select="concat(' - ', @note)"/></span>
                  </xsl:if>
                </li>
              </xsl:for-each>
              <xsl:for-each select="related/external">
                <li>
                  <xsl:call-template name="pc-external-link">
                    <xsl:with-param name="href" select="string(@href)"/>
                    <xsl:with-param name="kind" select="string(@kind)"/>
                    <xsl:with-param name="class" select="'external'"/>
                    <xsl:with-param name="label">
                      <xsl:choose>
                        <xsl:when test="string(@title) != ''"><xsl:value-of select="@title"/></xsl:when>
                        <xsl:otherwise><xsl:value-of select="@href"/></xsl:otherwise>
                      </xsl:choose>
                    </xsl:with-param>
                  </xsl:call-template>
                  <span class="link-list__note"> (external website)</span>
                </li>
              </xsl:for-each>
            </ul>
          </section>
        </xsl:if>

        <div class="doc-body prose">
          <!-- the body: body.xsl's templates, or the same result made
               in C (compiler/htmlbody.c) when no stylesheet is the
               project's own -->
          <xsl:choose>
            <xsl:when test="pc:body-in-c()"><pc:body/></xsl:when>
            <xsl:otherwise><xsl:apply-templates select="body" mode="body"/></xsl:otherwise>
          </xsl:choose>
          <xsl:if test="footnotes/footnote">
            <h2 class="footnotes__heading" id="pc-footnotes">Notes</h2>
            <xsl:apply-templates select="footnotes" mode="body"/>
          </xsl:if>
        </div>
        <xsl:if test="referenced-by/ref">
          <section class="doc-related" aria-labelledby="pc-refby-h">
            <h2 id="pc-refby-h">Referenced by</h2>
            <ul class="link-list">
              <xsl:for-each select="referenced-by/ref">
                <li><a href="{$pc-root}{@ref}.html"><xsl:value-of select="@title"/></a><xsl:call-template name="ref-status"/></li>
              </xsl:for-each>
            </ul>
          </section>
        </xsl:if>

        <xsl:if test="graph/*">
          <section class="doc-graph" aria-labelledby="pc-graph-h">
            <h2 id="pc-graph-h">How this document connects</h2>
            <xsl:copy-of select="graph/*"/>
          </section>
        </xsl:if>

        <xsl:apply-templates select="changes" mode="pc-changes"/>
        <section class="doc-control" aria-labelledby="pc-control-h">
          <h2 id="pc-control-h">Document control</h2>
          <table class="summary">
            <caption class="visually-hidden">Document control</caption>
            <tbody>
              <xsl:call-template name="row"><xsl:with-param name="k" select="'Owner'"/><xsl:with-param name="v" select="$meta/owner"/></xsl:call-template>
              <xsl:call-template name="row"><xsl:with-param name="k" select="'Version'"/><xsl:with-param name="v" select="$meta/version"/></xsl:call-template>
              <xsl:if test="$meta/approved">
                <tr><th scope="row">Approved</th><td><xsl:call-template name="date"><xsl:with-param name="d" select="string($meta/approved)"/></xsl:call-template></td></tr>
              </xsl:if>
              <xsl:call-template name="row"><xsl:with-param name="k" select="'Approved by'"/><xsl:with-param name="v" select="$meta/approved-by"/></xsl:call-template>
              <tr>
                <th scope="row">Review due</th>
                <td>
                  <xsl:choose>
                    <xsl:when test="$meta/review/@due"><xsl:call-template name="date"><xsl:with-param name="d" select="string($meta/review/@due)"/></xsl:call-template></xsl:when>
                    <xsl:otherwise>Not set</xsl:otherwise>
                  </xsl:choose>
                  <xsl:text> </xsl:text>
                  <xsl:call-template name="review-badge"><xsl:with-param name="state" select="$meta/review/@state"/><xsl:with-param name="due" select="string($meta/review/@due)"/></xsl:call-template>
                </td>
              </tr>
              <tr>
                <th scope="row">Status</th>
                <td>
                  <xsl:call-template name="capitalise"><xsl:with-param name="s" select="normalize-space($meta/status)"/></xsl:call-template>
                </td>
              </tr>
              <xsl:if test="$meta/tags/tag">
                <tr><th scope="row">Tags</th><td>
                  <xsl:for-each select="$meta/tags/tag"><xsl:if test="position() &gt; 1">, </xsl:if><xsl:value-of select="."/></xsl:for-each>
                </td></tr>
              </xsl:if>
              <xsl:if test="$meta/audience/item">
                <tr><th scope="row">Audience</th><td>
                  <xsl:for-each select="$meta/audience/item"><xsl:if test="position() &gt; 1">, </xsl:if><xsl:value-of select="."/></xsl:for-each>
                </td></tr>
              </xsl:if>
              <tr><th scope="row">Source file</th><td><code class="path"><xsl:value-of select="@path"/></code></td></tr>
            </tbody>
          </table>

          <xsl:if test="$meta/history/entry">
            <h3 id="pc-history">Version history</h3>
            <!-- on a phone each version is a block with its labels
                 (data-label, shown by style.css), as on the review
                 dashboard: four columns do not fit 320 px -->
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="pc-history">
              <table class="data stack">
                <thead><tr><th scope="col">Version</th><th scope="col">Date</th><th scope="col">By</th><th scope="col">Note</th></tr></thead>
                <tbody>
                  <xsl:for-each select="$meta/history/entry">
                    <tr>
                      <td data-label="Version"><xsl:value-of select="@version"/></td>
                      <td class="nowrap" data-label="Date"><xsl:call-template name="date"><xsl:with-param name="d" select="string(@date)"/></xsl:call-template></td>
                      <td data-label="By"><xsl:value-of select="@by"/></td>
                      <td data-label="Note"><xsl:value-of select="."/></td>
                    </tr>
                  </xsl:for-each>
                </tbody>
              </table>
            </div>
          </xsl:if>

          <xsl:if test="$meta/amendments/amendment">
            <h3 id="pc-amendments">Amendments</h3>
            <ul class="amendment-list">
              <xsl:for-each select="$meta/amendments/amendment">
                <li>
                  <xsl:if test="@date">
                    <strong><xsl:call-template name="date"><xsl:with-param name="d" select="string(@date)"/></xsl:call-template></strong>
                    <xsl:text>: </xsl:text>
                  </xsl:if>
                  <xsl:value-of select="."/>
                  <xsl:apply-templates select="@generated" mode="pc-generated"/>
                </li>
              </xsl:for-each>
            </ul>
          </xsl:if>
          <p class="print-only">
            <xsl:text>Printed from </xsl:text>
            <xsl:choose>
              <xsl:when test="normalize-space($project/base-url) != ''">
                <xsl:value-of select="concat(normalize-space($project/base-url), /document/@id, '.html')"/>
              </xsl:when>
              <xsl:otherwise><xsl:value-of select="concat(/document/@id, '.html')"/></xsl:otherwise>
            </xsl:choose>
            <xsl:text>. Check the website for the current version.</xsl:text>
          </p>
        </section>
      </div>
    </div>
  </xsl:template>

  <xsl:template name="row">
    <xsl:param name="k"/>
    <xsl:param name="v"/>
    <xsl:if test="normalize-space($v) != ''">
      <tr><th scope="row"><xsl:value-of select="$k"/></th><td><xsl:value-of select="$v"/></td></tr>
    </xsl:if>
  </xsl:template>

  <!-- " (superseded)" after a link to a withdrawn, superseded or draft
       document. -->
  <xsl:template name="ref-status">
    <xsl:if test="string(@status) != '' and @status != 'active'">
      <xsl:text> </xsl:text>
      <strong class="tag tag--grey">
        <xsl:call-template name="capitalise"><xsl:with-param name="s" select="string(@status)"/></xsl:call-template>
      </strong>
    </xsl:if>
  </xsl:template>

  <xsl:template match="section" mode="toc">
    <li>
      <a href="#{@id}"><xsl:value-of select="normalize-space(heading)"/></a>
      <xsl:if test="(section | local/section) and @level &lt; 3">
        <ol>
          <xsl:apply-templates select="section | local/section" mode="toc"/>
        </ol>
      </xsl:if>
    </li>
  </xsl:template>

</xsl:stylesheet>
