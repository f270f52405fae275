<?xml version="1.0" encoding="UTF-8"?>
<!--
  body.xsl - the blocks and inlines of a policy document body (and of
  glossary definitions) as HTML, in mode "body".  Every page stylesheet and
  the fragment stylesheet (policyc render - -to html, the GFM spec test)
  import this file, so a document body is rendered one way only.  The
  markup follows cmark-gfm's HTML renderer element for element, so the GFM
  spec examples give cmark-gfm's output; the deliberate differences are
  heading ids, glossary term links, raw HTML shown escaped unless allowed,
  and GitHub-style footnotes.

  Extension functions from html.c (namespace urn:policyc):
    pc:href(s)       percent-encode a URL the way cmark-gfm does
    pc:tagfilter(s)  GitHub's tag filter over raw HTML
    pc:ref-index()   which reference to its footnote the context
                     footnote-ref is (1, 2, ...), in one pass per page

  What the model could not resolve is never a live link: links of kind
  broken, placeholder and unsafe, and terms naming no glossary entry, are
  a span of class link-unresolved; images that are missing or unsafe are
  their alt text.  A link never holds another link: a term inside a link
  is its text.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:pc="urn:policyc"
    exclude-result-prefixes="pc">

  <!-- Relative path from the current page to the site root. -->
  <xsl:variable name="pc-root" select="string(/*/@root)"/>

  <xsl:key name="pc-term" match="/document/terms/term" use="@ref"/>
  <xsl:key name="pc-footnote" match="/document/footnotes/footnote" use="@label"/>
  <xsl:key name="pc-entry" match="/corpus/glossary/entry" use="@id"/>

  <xsl:template name="pc-nl"><xsl:text>&#10;</xsl:text></xsl:template>

  <!-- ============ blocks ============ -->

  <!-- Whitespace between blocks in the source tree is not content. -->
  <xsl:template match="body/text() | section/text() | blockquote/text() |
                       list/text() | item/text() | table/text() | row/text() |
                       footnotes/text() | footnote/text() | definition/text()"
                mode="body"/>

  <xsl:template match="body" mode="body">
    <xsl:apply-templates mode="body"/>
  </xsl:template>

  <!-- Sections only group headings for the back ends; HTML keeps the flat
       cmark structure so the heading hierarchy is the outline. -->
  <xsl:template match="section" mode="body">
    <xsl:apply-templates mode="body"/>
  </xsl:template>

  <!-- An edition's local text (an overlay block): labelled as the hosted
       manuals label it. -->
  <xsl:template match="local" mode="body">
    <div class="local-text">
      <p class="local-text__label">Local procedure — <xsl:value-of select="@edition"/></p>
      <!-- its blocks: not the line breaks between them (a text() pattern
           here was tried against every text node of every page) -->
      <xsl:apply-templates select="*" mode="body"/>
    </div>
    <xsl:call-template name="pc-nl"/>
  </xsl:template>

  <xsl:template match="heading" mode="body">
    <xsl:element name="h{@level}">
      <xsl:if test="@id and string(@id) != ''">
        <xsl:attribute name="id"><xsl:value-of select="@id"/></xsl:attribute>
      </xsl:if>
      <xsl:apply-templates mode="body"/>
    </xsl:element>
    <xsl:call-template name="pc-nl"/>
  </xsl:template>

  <xsl:template match="para" mode="body">
    <xsl:choose>
      <xsl:when test="parent::item and ../../@tight = 'true'">
        <xsl:apply-templates mode="body"/>
      </xsl:when>
      <xsl:otherwise>
        <p><xsl:apply-templates mode="body"/></p>
        <xsl:call-template name="pc-nl"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="blockquote" mode="body">
    <blockquote>
      <xsl:call-template name="pc-nl"/>
      <xsl:apply-templates mode="body"/>
    </blockquote>
    <xsl:call-template name="pc-nl"/>
  </xsl:template>

  <xsl:template match="list[@type = 'ordered']" mode="body">
    <ol>
      <xsl:if test="@start and @start != '1'">
        <xsl:attribute name="start"><xsl:value-of select="@start"/></xsl:attribute>
      </xsl:if>
      <xsl:call-template name="pc-nl"/>
      <xsl:apply-templates select="item" mode="body"/>
    </ol>
    <xsl:call-template name="pc-nl"/>
  </xsl:template>

  <xsl:template match="list" mode="body">
    <ul>
      <xsl:call-template name="pc-nl"/>
      <xsl:apply-templates select="item" mode="body"/>
    </ul>
    <xsl:call-template name="pc-nl"/>
  </xsl:template>

  <xsl:template match="item" mode="body">
    <li>
      <xsl:if test="@task">
        <!-- on site pages, labelled by the item's own text (axe: label) -->
        <input type="checkbox" disabled="">
          <xsl:if test="$pc-site">
            <xsl:attribute name="aria-label"><xsl:value-of select="substring(normalize-space(para[1]), 1, 120)"/></xsl:attribute>
          </xsl:if>
          <xsl:if test="@task = 'checked'">
            <xsl:attribute name="checked"></xsl:attribute>
          </xsl:if>
        </input>
        <xsl:text> </xsl:text>
      </xsl:if>
      <xsl:apply-templates mode="body"/>
    </li>
    <xsl:call-template name="pc-nl"/>
  </xsl:template>

  <xsl:template match="codeblock" mode="body">
    <xsl:variable name="info" select="normalize-space(translate(@info, '&#9;', ' '))"/>
    <pre>
      <code>
        <xsl:if test="$info != ''">
          <xsl:attribute name="class">
            <xsl:value-of select="concat('language-', substring-before(concat(translate(@info, '&#9;', ' '), ' '), ' '))"/>
          </xsl:attribute>
        </xsl:if>
        <xsl:value-of select="."/>
      </code>
    </pre>
    <xsl:call-template name="pc-nl"/>
  </xsl:template>

  <xsl:template match="htmlblock[@allowed = 'true']" mode="body">
    <xsl:value-of select="pc:tagfilter(string(.))" disable-output-escaping="yes"/>
    <xsl:if test="substring(., string-length(.)) != '&#10;'">
      <xsl:call-template name="pc-nl"/>
    </xsl:if>
  </xsl:template>

  <!-- Raw HTML the project does not allow is shown, escaped, as written. -->
  <xsl:template match="htmlblock" mode="body">
    <pre class="raw-html"><code><xsl:value-of select="."/></code></pre>
    <xsl:call-template name="pc-nl"/>
  </xsl:template>

  <xsl:template match="rule" mode="body">
    <hr/>
    <xsl:call-template name="pc-nl"/>
  </xsl:template>

  <!-- Site pages add what cmark-gfm's HTML lacks for accessibility
       (fragment.xsl sets this false): -->
  <xsl:variable name="pc-site" select="true()"/>

  <!-- On site pages a table sits in a wrapper that scrolls sideways on a
       narrow screen, reachable and named for keyboard and screen-reader
       users (axe: scrollable-region-focusable). -->

  <xsl:template match="table" mode="body">
    <xsl:choose>
      <xsl:when test="$pc-site">
        <div class="table-wrap" tabindex="0" role="region">
          <xsl:attribute name="aria-label">
            <xsl:value-of select="concat('Table: ', substring(normalize-space(row[1]), 1, 80))"/>
          </xsl:attribute>
          <xsl:apply-templates select="." mode="pc-table"/>
        </div>
        <xsl:call-template name="pc-nl"/>
      </xsl:when>
      <xsl:otherwise><xsl:apply-templates select="." mode="pc-table"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="table" mode="pc-table">
    <table>
      <xsl:if test="$pc-site">
        <!-- Column widths shared out from each column's header and
             typical content (as a browser's auto layout would, but
             stable from row to row, and a cell's long word wraps rather
             than widening the page); style.css keeps a column no
             narrower than its header's longest word, and cols-N sets the
             width below which the table scrolls.
             pc:col-width (compiler/htmlxsl.c) gives column i's share:
             its header's length or its cells' mean length over the
             first 50 rows (at most 60), whichever is more, a column of
             short values at least its longest, and at least 5. -->
        <xsl:variable name="n" select="count(row[1]/cell)"/>
        <xsl:attribute name="class">
          <xsl:value-of select="concat('fit cols-', $n)"/>
        </xsl:attribute>
        <xsl:if test="$n &gt; 1">
          <colgroup>
            <xsl:variable name="t" select="."/>
            <xsl:for-each select="row[1]/cell">
              <col width="{pc:col-width($t, position())}"/>
            </xsl:for-each>
          </colgroup>
        </xsl:if>
      </xsl:if>
      <xsl:call-template name="pc-nl"/>
      <xsl:if test="row[@header = 'true']">
        <thead>
          <xsl:call-template name="pc-nl"/>
          <xsl:apply-templates select="row[@header = 'true']" mode="body"/>
        </thead>
        <xsl:call-template name="pc-nl"/>
      </xsl:if>
      <xsl:if test="row[not(@header = 'true')]">
        <tbody>
          <xsl:call-template name="pc-nl"/>
          <xsl:apply-templates select="row[not(@header = 'true')]" mode="body"/>
        </tbody>
        <xsl:call-template name="pc-nl"/>
      </xsl:if>
    </table>
    <xsl:call-template name="pc-nl"/>
  </xsl:template>

  <xsl:template match="row" mode="body">
    <tr>
      <xsl:call-template name="pc-nl"/>
      <xsl:apply-templates select="cell" mode="body"/>
    </tr>
    <xsl:call-template name="pc-nl"/>
  </xsl:template>

  <xsl:template match="cell" mode="body">
    <xsl:variable name="name">
      <xsl:choose>
        <xsl:when test="../@header = 'true'">th</xsl:when>
        <xsl:otherwise>td</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:element name="{$name}">
      <xsl:if test="@align">
        <xsl:attribute name="align"><xsl:value-of select="@align"/></xsl:attribute>
      </xsl:if>
      <xsl:apply-templates mode="body"/>
    </xsl:element>
    <xsl:call-template name="pc-nl"/>
  </xsl:template>

  <!-- ============ inlines ============ -->

  <xsl:template match="emph" mode="body">
    <em><xsl:apply-templates mode="body"/></em>
  </xsl:template>

  <xsl:template match="strong" mode="body">
    <strong><xsl:apply-templates mode="body"/></strong>
  </xsl:template>

  <xsl:template match="strike" mode="body">
    <del><xsl:apply-templates mode="body"/></del>
  </xsl:template>

  <xsl:template match="code" mode="body">
    <code><xsl:value-of select="."/></code>
  </xsl:template>

  <xsl:template match="br" mode="body">
    <br/>
    <xsl:call-template name="pc-nl"/>
  </xsl:template>

  <xsl:template match="softbreak" mode="body">
    <xsl:call-template name="pc-nl"/>
  </xsl:template>

  <xsl:template match="html[@allowed = 'true']" mode="body">
    <xsl:value-of select="pc:tagfilter(string(.))" disable-output-escaping="yes"/>
  </xsl:template>

  <xsl:template match="html" mode="body">
    <code class="raw-html"><xsl:value-of select="."/></code>
  </xsl:template>

  <!-- The templates' own line of defence behind the model's URL policy
       (which marks such links unsafe): a script, file or data: URL is
       never written as an href, however it is spelt. -->
  <xsl:template name="pc-active-url">
    <xsl:param name="u"/>
    <xsl:variable name="s" select="translate(substring(translate($u, '&#9;&#10;&#13; ', ''), 1, 16), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"/>
    <xsl:if test="starts-with($s, 'javascript:') or starts-with($s, 'vbscript:') or starts-with($s, 'file:') or (starts-with($s, 'data:') and not(starts-with($s, 'data:image/')))">yes</xsl:if>
  </xsl:template>

  <!-- A link.  Unresolved (broken, a placeholder, unsafe), an active URL
       however it is spelt, or on the site a file that was not
       published: its text, never a live href.  One template with the
       cases in a choose, not a template for each: a pattern with a
       predicate is tried against every link of every page. -->
  <xsl:template match="link" mode="body">
    <xsl:choose>
      <xsl:when test="@kind = 'broken' or @kind = 'placeholder' or @kind = 'unsafe'">
        <span class="link-unresolved">
          <xsl:apply-templates mode="body"/>
        </span>
      </xsl:when>
      <xsl:when test="$pc-site and @kind = 'asset' and string(@asset) = ''">
        <span class="link-unresolved"><xsl:apply-templates mode="body"/></span>
      </xsl:when>
      <xsl:when test="not(@kind != 'doc' and @kind != 'anchor')">
        <xsl:apply-templates select="." mode="pc-live-link"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="active">
          <xsl:call-template name="pc-active-url"><xsl:with-param name="u" select="string(@href)"/></xsl:call-template>
        </xsl:variable>
        <xsl:choose>
          <xsl:when test="$active = 'yes'">
            <span class="link-unresolved"><xsl:apply-templates mode="body"/></span>
          </xsl:when>
          <xsl:otherwise><xsl:apply-templates select="." mode="pc-live-link"/></xsl:otherwise>
        </xsl:choose>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="link" mode="pc-live-link">
    <a>
      <xsl:attribute name="href">
        <xsl:choose>
          <xsl:when test="@kind = 'asset' and string(@asset) != ''">
            <xsl:value-of select="concat($pc-root, @asset)"/>
          </xsl:when>
          <xsl:when test="@kind = 'doc'">
            <xsl:value-of select="concat($pc-root, @ref, '.html')"/>
            <xsl:if test="@anchor and @anchor != ''">
              <xsl:value-of select="concat('#', pc:href(string(@anchor)))"/>
            </xsl:if>
          </xsl:when>
          <xsl:otherwise>
            <xsl:value-of select="pc:href(string(@href))"/>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
      <xsl:if test="string(@title) != ''">
        <xsl:attribute name="title"><xsl:value-of select="@title"/></xsl:attribute>
      </xsl:if>
      <!-- a link with no text ([](url)) still needs a name (axe:
           link-name); cmark-gfm's HTML (the fragment) has none -->
      <xsl:if test="$pc-site and normalize-space(.) = '' and not(.//image[normalize-space(@alt) != ''])">
        <xsl:attribute name="aria-label">
          <xsl:choose>
            <xsl:when test="string(@title) != ''"><xsl:value-of select="@title"/></xsl:when>
            <xsl:when test="@kind = 'doc'"><xsl:value-of select="@ref"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="@href"/></xsl:otherwise>
          </xsl:choose>
        </xsl:attribute>
      </xsl:if>
      <xsl:apply-templates mode="body"/>
    </a>
  </xsl:template>

  <!-- Never a link inside a link: a term (or a nested link) inside a
       link is its text. -->
  <xsl:template match="link//term | link//link | term//link | term//term" mode="body" priority="2">
    <xsl:apply-templates mode="body"/>
  </xsl:template>

  <!-- A glossary term: a link to its entry, the definition in title= so
       the browser shows it on hover without JavaScript; an abbreviation
       is also an <abbr> with the full name. -->
  <xsl:template match="term" mode="body">
    <xsl:variable name="t" select="key('pc-term', @ref)"/>
    <xsl:choose>
      <!-- a term in no glossary: its text (in the template, not in a
           pattern's predicate, which every term of every page paid for
           with a key lookup more) -->
      <xsl:when test="not($t) and not(key('pc-entry', @ref))">
        <span class="link-unresolved"><xsl:apply-templates mode="body"/></span>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="def" select="normalize-space($t/definition)"/>
        <xsl:choose>
          <!-- the usual case: the entry's definition as the title (a
               string, not a result tree fragment or a union to sort),
               given as an attribute value template: an xsl:attribute
               holding a value-of of the same long string, at some
               thirty uses a page, was 4 % of a whole build's CPU -->
          <xsl:when test="string(@title) = '' and $def != ''">
            <a class="term" href="{$pc-root}glossary.html#{@ref}" title="{$def}">
              <xsl:call-template name="pc-term-text">
                <xsl:with-param name="t" select="$t"/>
              </xsl:call-template>
            </a>
          </xsl:when>
          <!-- the use's own title, or none -->
          <xsl:otherwise>
            <a class="term" href="{$pc-root}glossary.html#{@ref}">
              <xsl:if test="normalize-space(@title) != ''">
                <xsl:attribute name="title"><xsl:value-of select="normalize-space(@title)"/></xsl:attribute>
              </xsl:if>
              <xsl:call-template name="pc-term-text">
                <xsl:with-param name="t" select="$t"/>
              </xsl:call-template>
            </a>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A term's text; an abbreviation also an <abbr> with the full name. -->
  <xsl:template name="pc-term-text">
    <xsl:param name="t"/>
    <xsl:choose>
      <xsl:when test="$t/@abbr and string(.) = $t/@abbr">
        <abbr title="{$t/@name}"><xsl:apply-templates mode="body"/></abbr>
      </xsl:when>
      <xsl:otherwise><xsl:apply-templates mode="body"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Images: a published asset (its content-addressed path in the site),
       an external http(s) or data:image URL, or - missing or unsafe - the
       alt text only. -->
  <xsl:template match="image[@kind = 'missing' or @kind = 'unsafe']" mode="body">
    <span class="image-unresolved"><xsl:value-of select="@alt"/></span>
  </xsl:template>

  <xsl:template match="image" mode="body">
    <xsl:variable name="src">
      <xsl:choose>
        <xsl:when test="@kind = 'asset'"><xsl:value-of select="concat($pc-root, @asset)"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="pc:href(string(@src))"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="active">
      <xsl:call-template name="pc-active-url"><xsl:with-param name="u" select="string(@src)"/></xsl:call-template>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="$active = 'yes' and not(@kind = 'asset')">
        <span class="image-unresolved"><xsl:value-of select="@alt"/></span>
      </xsl:when>
      <xsl:otherwise>
        <img src="{$src}" alt="{@alt}">
          <xsl:if test="string(@title) != ''">
            <xsl:attribute name="title"><xsl:value-of select="@title"/></xsl:attribute>
          </xsl:if>
        </img>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Footnotes, as GitHub renders them. -->
  <xsl:template match="footnote-ref" mode="body">
    <xsl:variable name="k" select="pc:ref-index() - 1"/>
    <sup class="footnote-ref">
      <xsl:choose>
      <xsl:when test="not(key('pc-footnote', @label))">
        <!-- no definition in the tree: nothing to link to -->
        <xsl:value-of select="@n"/>
      </xsl:when>
      <xsl:otherwise>
      <a href="#fn-{@n}" data-footnote-ref="">
        <xsl:attribute name="id">
          <xsl:value-of select="concat('fnref-', @n)"/>
          <xsl:if test="$k > 0"><xsl:value-of select="concat('-', $k + 1)"/></xsl:if>
        </xsl:attribute>
        <xsl:value-of select="@n"/>
      </a>
      </xsl:otherwise>
      </xsl:choose>
    </sup>
  </xsl:template>

  <xsl:template match="footnotes" mode="body">
    <xsl:if test="footnote">
      <section class="footnotes" aria-label="Footnotes">
        <xsl:call-template name="pc-nl"/>
        <ol>
          <xsl:call-template name="pc-nl"/>
          <xsl:apply-templates select="footnote" mode="body"/>
        </ol>
        <xsl:call-template name="pc-nl"/>
      </section>
      <xsl:call-template name="pc-nl"/>
    </xsl:if>
  </xsl:template>

  <xsl:template match="footnote" mode="body">
    <li id="fn-{@n}">
      <xsl:call-template name="pc-nl"/>
      <xsl:apply-templates mode="body"/>
      <p class="footnote-back">
        <a href="#fnref-{@n}" class="footnote-backref" aria-label="Back to reference {@n}">&#8617;</a>
      </p>
    </li>
    <xsl:call-template name="pc-nl"/>
  </xsl:template>

  <!-- An external URL outside a body (related:, glossary source:): a
       live link only for http, https and mailto that the model did not
       refuse (@kind = 'unsafe'); anything else is text.  The model's URL
       policy judges these; this is the templates' own line of defence. -->
  <xsl:template name="pc-external-link">
    <xsl:param name="href"/>
    <xsl:param name="kind" select="''"/>
    <xsl:param name="class" select="''"/>
    <xsl:param name="label"/>
    <xsl:variable name="u" select="translate(normalize-space(substring($href, 1, 8)), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"/>
    <xsl:choose>
      <xsl:when test="$kind != 'unsafe' and $kind != 'broken' and (starts-with($u, 'https://') or starts-with($u, 'http://') or starts-with($u, 'mailto:'))">
        <a href="{pc:href(string($href))}">
          <xsl:if test="$class != ''"><xsl:attribute name="class"><xsl:value-of select="$class"/></xsl:attribute></xsl:if>
          <xsl:copy-of select="$label"/>
        </a>
      </xsl:when>
      <xsl:otherwise><span class="link-unresolved"><xsl:copy-of select="$label"/></span></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Glossary definitions hold blocks too. -->
  <xsl:template match="definition" mode="body">
    <xsl:apply-templates mode="body"/>
  </xsl:template>

</xsl:stylesheet>
