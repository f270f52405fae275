<?xml version="1.0" encoding="UTF-8"?>
<!--
  glossary.xsl - the glossary page (html/glossary.html) from corpus.xml:
  A-Z navigation, and for each term its abbreviation, definition, source,
  related terms and the documents that use it.  Term links in documents
  point at glossary.html#<term id>.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="layout.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" omit-xml-declaration="yes" indent="no"/>

  <xsl:key name="by-letter" match="/corpus/glossary/entry"
           use="translate(substring(normalize-space(name), 1, 1), 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')"/>
  <xsl:key name="entry" match="/corpus/glossary/entry" use="@id"/>
  <xsl:key name="doc" match="/corpus/documents/doc" use="@id"/>
  <!-- documents listed under each term, the rest counted (policyc
       passes its lean corpus tree's limit: xmlout.h GLOSSARY_USES_HELD) -->
  <xsl:param name="uses-shown" select="100"/>

  <xsl:variable name="letters" select="'ABCDEFGHIJKLMNOPQRSTUVWXYZ'"/>

  <xsl:template match="/">
    <xsl:call-template name="page">
      <xsl:with-param name="title" select="'Glossary'"/>
      <xsl:with-param name="current" select="'glossary'"/>
      <xsl:with-param name="crumbs">
        <xsl:call-template name="crumb"><xsl:with-param name="label" select="'Glossary'"/></xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="content-in-place" select="true()"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The page's content, written in place (layout.xsl "page") rather
       than made as $content and copied: every term with the documents that use it. -->
  <xsl:template match="corpus" mode="page">
    <h1>Glossary</h1>
    <p class="lead">What the terms and abbreviations used in these documents mean, and where each one is used.</p>
    <nav class="az" aria-label="Glossary A to Z">
      <ul class="az__list">
        <xsl:call-template name="az"><xsl:with-param name="i" select="1"/></xsl:call-template>
      </ul>
    </nav>
    <xsl:call-template name="letter-sections"><xsl:with-param name="i" select="1"/></xsl:call-template>
    <xsl:variable name="other" select="/corpus/glossary/entry[not(contains($letters, translate(substring(normalize-space(name), 1, 1), $pc-lower, $pc-upper))) or normalize-space(name) = '']"/>
    <xsl:if test="$other">
      <section aria-labelledby="letter-other">
        <h2 id="letter-other" class="az__heading">Other</h2>
        <dl class="glossary"><xsl:apply-templates select="$other"><xsl:sort select="name"/></xsl:apply-templates></dl>
      </section>
    </xsl:if>
    <xsl:if test="not(/corpus/glossary/entry)">
      <p>The glossary is empty.</p>
    </xsl:if>
  </xsl:template>

  <xsl:template name="az">
    <xsl:param name="i"/>
    <xsl:if test="$i &lt;= 26">
      <xsl:variable name="l" select="substring($letters, $i, 1)"/>
      <li class="az__item">
        <xsl:choose>
          <xsl:when test="key('by-letter', $l)"><a href="#letter-{$l}"><xsl:value-of select="$l"/></a></xsl:when>
          <xsl:otherwise><span class="az__empty"><xsl:value-of select="$l"/></span></xsl:otherwise>
        </xsl:choose>
      </li>
      <xsl:call-template name="az"><xsl:with-param name="i" select="$i + 1"/></xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="letter-sections">
    <xsl:param name="i"/>
    <xsl:if test="$i &lt;= 26">
      <xsl:variable name="l" select="substring($letters, $i, 1)"/>
      <xsl:if test="key('by-letter', $l)">
        <section aria-labelledby="letter-{$l}">
          <h2 id="letter-{$l}" class="az__heading"><xsl:value-of select="$l"/></h2>
          <dl class="glossary">
            <xsl:apply-templates select="key('by-letter', $l)">
              <xsl:sort select="translate(normalize-space(name), $pc-upper, $pc-lower)"/>
            </xsl:apply-templates>
          </dl>
        </section>
      </xsl:if>
      <xsl:call-template name="letter-sections"><xsl:with-param name="i" select="$i + 1"/></xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template match="entry">
    <dt class="glossary__term" id="{@id}">
      <dfn><xsl:value-of select="normalize-space(name)"/></dfn>
      <xsl:if test="normalize-space(abbr) != ''">
        <xsl:text> </xsl:text>
        <abbr class="glossary__abbr"><xsl:value-of select="normalize-space(abbr)"/></abbr>
      </xsl:if>
    </dt>
    <dd class="glossary__def">
      <xsl:apply-templates select="definition" mode="body"/>
      <xsl:if test="alias">
        <p class="glossary__meta"><span class="glossary__label">Also called: </span>
          <xsl:for-each select="alias"><xsl:if test="position() &gt; 1">, </xsl:if><xsl:value-of select="."/></xsl:for-each>
        </p>
      </xsl:if>
      <xsl:if test="source">
        <p class="glossary__meta"><span class="glossary__label">Source: </span>
          <xsl:choose>
            <xsl:when test="source/@ref and key('doc', source/@ref)">
              <a href="{source/@ref}.html">
                <xsl:choose>
                  <xsl:when test="string(source/@title) != ''"><xsl:value-of select="source/@title"/></xsl:when>
                  <xsl:otherwise><xsl:value-of select="key('doc', source/@ref)/@title"/></xsl:otherwise>
                </xsl:choose>
              </a>
            </xsl:when>
            <xsl:otherwise>
              <xsl:call-template name="pc-external-link">
                <xsl:with-param name="href" select="string(source/@href)"/>
                <xsl:with-param name="kind" select="string(source/@kind)"/>
                <xsl:with-param name="label"><xsl:value-of select="source/@href | source/@ref[not(../@href)]"/></xsl:with-param>
              </xsl:call-template>
            </xsl:otherwise>
          </xsl:choose>
        </p>
      </xsl:if>
      <xsl:if test="see">
        <p class="glossary__meta"><span class="glossary__label">See also: </span>
          <xsl:for-each select="see">
            <xsl:if test="position() &gt; 1">, </xsl:if>
            <xsl:choose>
              <xsl:when test="key('entry', @ref)">
                <a href="#{@ref}">
                  <xsl:choose>
                    <xsl:when test="string(@name) != ''"><xsl:value-of select="@name"/></xsl:when>
                    <xsl:otherwise><xsl:value-of select="key('entry', @ref)/name"/></xsl:otherwise>
                  </xsl:choose>
                </a>
              </xsl:when>
              <!-- a term the glossary does not hold: text, not a dead link -->
              <xsl:otherwise>
                <span class="link-unresolved">
                  <xsl:choose>
                    <xsl:when test="string(@name) != ''"><xsl:value-of select="@name"/></xsl:when>
                    <xsl:otherwise><xsl:value-of select="@ref"/></xsl:otherwise>
                  </xsl:choose>
                </span>
              </xsl:otherwise>
            </xsl:choose>
          </xsl:for-each>
        </p>
      </xsl:if>
      <!-- uses/@count: how many documents use the term (a site build
           holds only the first uses-shown of them: xmlout.h) -->
      <xsl:variable name="used">
        <xsl:choose>
          <xsl:when test="uses/@count"><xsl:value-of select="uses/@count"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="count(uses/use)"/></xsl:otherwise>
        </xsl:choose>
      </xsl:variable>
      <xsl:choose>
        <xsl:when test="uses/use">
          <details class="glossary__uses">
            <summary>Used in <xsl:value-of select="$used"/>
              <xsl:choose><xsl:when test="$used = 1"> document</xsl:when><xsl:otherwise> documents</xsl:otherwise></xsl:choose>
            </summary>
            <ul>
              <!-- the first $uses-shown: a term used across a large
                   manual would otherwise list every document (at 50,000
                   documents the page was 100 MB); the rest by search -->
              <xsl:for-each select="uses/use[position() &lt;= $uses-shown]">
                <li><a href="{@doc}.html"><xsl:value-of select="@title"/></a></li>
              </xsl:for-each>
              <xsl:if test="$used &gt; $uses-shown">
                <li class="glossary__more">and <xsl:value-of select="$used - $uses-shown"/> more:
                  <a href="search.html?q={translate(normalize-space(translate(name, '&amp;#%?+&quot;', '      ')), ' ', '+')}">search for
                  “<xsl:value-of select="normalize-space(name)"/>”</a></li>
              </xsl:if>
            </ul>
          </details>
        </xsl:when>
        <xsl:otherwise><p class="glossary__meta">Not used in any document.</p></xsl:otherwise>
      </xsl:choose>
    </dd>
  </xsl:template>
</xsl:stylesheet>
