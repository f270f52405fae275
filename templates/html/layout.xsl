<?xml version="1.0" encoding="UTF-8"?>
<!--
  layout.xsl - what every page of the site shares: the HTML skeleton
  (language, title, CSS, brand colours), the skip link, the header with
  the organisation's name and logo, the main navigation, the breadcrumb,
  <main id="main-content">, the footer with the organisation's address and
  registration, and small helpers (dates, badges, section names).  Every
  page stylesheet imports it; html.c passes the parameters below.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:pc="urn:policyc"
    exclude-result-prefixes="pc">

  <xsl:import href="body.xsl"/>
  <xsl:include href="history.xsl"/>

  <!-- Brand colours as judged by brand.c (corpus.xml's colour/@value);
       the pages take them from brand.css, which html.c writes. -->
  <xsl:param name="brand" select="'#1d70b8'"/>
  <xsl:param name="accent" select="'#00703c'"/>
  <!-- The logo copied into the site, relative to the site root, or ''. -->
  <xsl:param name="logo" select="''"/>
  <xsl:param name="today" select="string(/*/@today)"/>
  <!-- The document's own PDF (html.c passes its facts when one was
       published), else ''. -->
  <xsl:param name="pdf-pages" select="''"/>
  <!-- '1' when the build made PDFs (the packs page has something) -->
  <xsl:param name="pdfs" select="''"/>
  <xsl:param name="pdf-kb" select="''"/>

  <xsl:variable name="project" select="/*/project"/>
  <xsl:variable name="org" select="$project/organisation"/>
  <xsl:variable name="site-title">
    <xsl:choose>
      <xsl:when test="normalize-space($project/title) != ''"><xsl:value-of select="normalize-space($project/title)"/></xsl:when>
      <xsl:when test="normalize-space($org/name) != ''"><xsl:value-of select="normalize-space($org/name)"/></xsl:when>
      <xsl:otherwise>Policies and procedures</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="lang">
    <xsl:choose>
      <xsl:when test="string(/*/@lang) != ''"><xsl:value-of select="/*/@lang"/></xsl:when>
      <xsl:otherwise>en</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:variable name="pc-lower" select="'abcdefghijklmnopqrstuvwxyz'"/>
  <xsl:variable name="pc-upper" select="'ABCDEFGHIJKLMNOPQRSTUVWXYZ'"/>
  <!-- $today as numbers, read once: span-words counts calendar months
       from them for every row of the review page -->
  <xsl:variable name="pc-today-ok" select="string-length($today) = 10"/>
  <xsl:variable name="pc-today-y" select="number(substring($today, 1, 4))"/>
  <xsl:variable name="pc-today-m" select="number(substring($today, 6, 2))"/>
  <xsl:variable name="pc-today-d" select="number(substring($today, 9, 2))"/>

  <!-- ============ the page ============ -->

  <!-- current: which main navigation item this page is (contents,
       glossary, whats-new, review, search, or ''). -->
  <xsl:template name="page">
    <xsl:param name="title"/>
    <xsl:param name="current" select="''"/>
    <xsl:param name="crumbs"/>
    <xsl:param name="content"/>
    <!-- true(): the content is the input's root element in mode "page",
         written in place; a document page is most of its HTML, and
         building it as $content only to copy it cost a tenth of the
         page's transform -->
    <xsl:param name="content-in-place" select="false()"/>
    <xsl:param name="scripts"/>
    <html lang="{$lang}">
      <head>
        <meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>
        <xsl:call-template name="csp"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>
          <xsl:value-of select="$title"/>
          <xsl:if test="string($title) != string($site-title)">
            <xsl:value-of select="concat(' - ', $site-title)"/>
          </xsl:if>
        </title>
        <link rel="stylesheet" href="{$pc-root}style.css"/>
        <link rel="stylesheet" href="{$pc-root}brand.css"/>
        <link rel="alternate" type="application/atom+xml" href="{$pc-root}feed.xml" title="{$site-title}: amendments"/>
      </head>
      <body>
        <a class="skip-link" href="#main-content">Skip to main content</a>
        <header class="site-header">
          <div class="site-header__bar">
          <div class="wrap site-header__inner">
            <a class="site-header__brand" href="{$pc-root}index.html">
              <xsl:if test="$logo != ''">
                <img class="site-header__logo" src="{$pc-root}{$logo}" alt=""/>
              </xsl:if>
              <span class="site-header__names">
                <xsl:if test="normalize-space($org/name) != '' and normalize-space($org/name) != $site-title">
                  <span class="site-header__org"><xsl:value-of select="$org/name"/></span>
                </xsl:if>
                <span class="site-header__title"><xsl:value-of select="$site-title"/></span>
              </span>
            </a>
            <xsl:if test="$current != 'search'">
              <form class="site-search" action="{$pc-root}search.html" method="get" role="search" aria-label="Site">
                <label class="visually-hidden" for="site-search-q">Search policies and procedures</label>
                <input class="site-search__input" id="site-search-q" name="q" type="search" autocomplete="off"/>
                <button class="site-search__button" type="submit">Search</button>
              </form>
            </xsl:if>
          </div>
          </div>
          <nav class="site-nav" aria-label="Main">
            <ul class="wrap site-nav__list">
              <xsl:call-template name="nav-item">
                <xsl:with-param name="href" select="'index.html'"/>
                <xsl:with-param name="label" select="'Contents'"/>
                <xsl:with-param name="is" select="$current = 'contents'"/>
              </xsl:call-template>
              <xsl:call-template name="nav-item">
                <xsl:with-param name="href" select="'glossary.html'"/>
                <xsl:with-param name="label" select="'Glossary'"/>
                <xsl:with-param name="is" select="$current = 'glossary'"/>
              </xsl:call-template>
              <xsl:call-template name="nav-item">
                <xsl:with-param name="href" select="'whats-new.html'"/>
                <xsl:with-param name="label" select="'What&#8217;s new'"/>
                <xsl:with-param name="is" select="$current = 'whats-new'"/>
              </xsl:call-template>
              <xsl:call-template name="nav-item">
                <xsl:with-param name="href" select="'review.html'"/>
                <xsl:with-param name="label" select="'Review dates'"/>
                <xsl:with-param name="is" select="$current = 'review'"/>
              </xsl:call-template>
              <xsl:if test="$pdfs = '1'">
                <xsl:call-template name="nav-item">
                  <xsl:with-param name="href" select="'packs.html'"/>
                  <xsl:with-param name="label" select="'PDFs'"/>
                  <xsl:with-param name="is" select="$current = 'packs'"/>
                </xsl:call-template>
              </xsl:if>
              <xsl:call-template name="nav-item">
                <xsl:with-param name="href" select="'search.html'"/>
                <xsl:with-param name="label" select="'Search'"/>
                <xsl:with-param name="is" select="$current = 'search'"/>
              </xsl:call-template>
            </ul>
          </nav>
        </header>
        <div class="wrap">
          <xsl:if test="$current != 'contents'">
            <nav class="breadcrumb" aria-label="Breadcrumb">
              <ol class="breadcrumb__list">
                <li class="breadcrumb__item"><a href="{$pc-root}index.html">Home</a></li>
                <xsl:copy-of select="$crumbs"/>
              </ol>
            </nav>
          </xsl:if>
          <main id="main-content" class="main" tabindex="-1">
            <xsl:apply-templates select="/*/@as-of-label" mode="pc-banner"/>
            <xsl:choose>
              <xsl:when test="$content-in-place"><xsl:apply-templates select="/*" mode="page"/></xsl:when>
              <xsl:otherwise><xsl:copy-of select="$content"/></xsl:otherwise>
            </xsl:choose>
          </main>
        </div>
        <footer class="site-footer">
          <div class="wrap">
            <xsl:call-template name="footer-org"/>
            <ul class="site-footer__links">
              <li><a href="{$pc-root}index.html">Contents</a></li>
              <li><a href="{$pc-root}glossary.html">Glossary</a></li>
              <li><a href="{$pc-root}whats-new.html">What&#8217;s new</a></li>
              <xsl:if test="$pdfs = '1'">
                <li><a href="{$pc-root}packs.html">Policy packs and PDFs</a></li>
              </xsl:if>
              <li><a href="{$pc-root}feed.xml">Amendments feed (Atom)</a></li>
              <li><a href="{$pc-root}contacts.html">Contacts</a></li>
              <li><a href="{$pc-root}sources.html">Sources</a></li>
              <li><a href="{$pc-root}review.ics">Review dates (calendar)</a></li>
            </ul>
          </div>
        </footer>
        <xsl:copy-of select="$scripts"/>
      </body>
    </html>
  </xsl:template>

  <!-- Defence in depth: even if an escaping bug let markup through, the
       browser runs no inline script, no script from elsewhere, no plugin,
       and no inline style.  Scripts and styles are files of the site. -->
  <xsl:template name="csp">
    <meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https: http:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-src 'none'"/>
  </xsl:template>

  <xsl:template name="nav-item">
    <xsl:param name="href"/>
    <xsl:param name="label"/>
    <xsl:param name="is" select="false()"/>
    <li class="site-nav__item">
      <a class="site-nav__link" href="{$pc-root}{$href}">
        <xsl:if test="$is">
          <xsl:attribute name="aria-current">page</xsl:attribute>
        </xsl:if>
        <xsl:value-of select="$label"/>
      </a>
    </li>
  </xsl:template>

  <xsl:template name="footer-org">
    <div class="site-footer__org">
      <p class="site-footer__name">
        <xsl:choose>
          <xsl:when test="normalize-space($org/name) != ''"><xsl:value-of select="$org/name"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="$site-title"/></xsl:otherwise>
        </xsl:choose>
      </p>
      <xsl:if test="normalize-space($org/address) != ''">
        <p><xsl:value-of select="$org/address"/></p>
      </xsl:if>
      <xsl:if test="normalize-space($org/phone) != '' or normalize-space($org/registration) != '' or normalize-space($org/charity) != ''">
        <p>
          <xsl:if test="normalize-space($org/phone) != ''">
            <span class="site-footer__item">Telephone <xsl:value-of select="$org/phone"/></span>
          </xsl:if>
          <xsl:if test="normalize-space($org/registration) != ''">
            <span class="site-footer__item">Ofsted registration <xsl:value-of select="$org/registration"/></span>
          </xsl:if>
          <xsl:if test="normalize-space($org/charity) != ''">
            <span class="site-footer__item">Registered charity <xsl:value-of select="$org/charity"/></span>
          </xsl:if>
        </p>
      </xsl:if>
    </div>
  </xsl:template>

  <!-- A breadcrumb item; the last one is the current page. -->
  <xsl:template name="crumb">
    <xsl:param name="href" select="''"/>
    <xsl:param name="label"/>
    <xsl:param name="current" select="true()"/>
    <li class="breadcrumb__item">
      <xsl:choose>
        <xsl:when test="$href != ''"><a href="{$href}"><xsl:value-of select="$label"/></a></xsl:when>
        <xsl:when test="not($current)"><span><xsl:value-of select="$label"/></span></xsl:when>
        <xsl:otherwise><span aria-current="page"><xsl:value-of select="$label"/></span></xsl:otherwise>
      </xsl:choose>
    </li>
  </xsl:template>

  <!-- ============ helpers ============ -->

  <!-- " (PDF, 14 pages, 210 KB)" -->
  <xsl:template name="pdf-facts">
    <xsl:param name="pages"/>
    <xsl:param name="kb"/>
    <xsl:text> (PDF, </xsl:text>
    <xsl:value-of select="$pages"/>
    <xsl:text> page</xsl:text><xsl:if test="$pages != 1">s</xsl:if>
    <xsl:text>, </xsl:text>
    <xsl:choose>
      <xsl:when test="$kb &gt;= 1024"><xsl:value-of select="format-number($kb div 1024, '0.0')"/> MB</xsl:when>
      <xsl:otherwise><xsl:value-of select="$kb"/> KB</xsl:otherwise>
    </xsl:choose>
    <xsl:text>)</xsl:text>
  </xsl:template>

  <!-- "2022-01-31" as "31 January 2022" (GOV.UK style). -->
  <xsl:template name="date">
    <xsl:param name="d"/>
    <xsl:choose>
      <xsl:when test="string-length($d) = 10">
        <time datetime="{$d}">
          <xsl:value-of select="number(substring($d, 9, 2))"/>
          <xsl:text> </xsl:text>
          <xsl:call-template name="month-name"><xsl:with-param name="m" select="number(substring($d, 6, 2))"/></xsl:call-template>
          <xsl:text> </xsl:text>
          <xsl:value-of select="substring($d, 1, 4)"/>
        </time>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$d"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- 1 as "January" ... 12 as "December", else nothing: one lookup in
       the names padded to nine letters (a choice of twelve was tested
       a month at a time, for every row of the review page). -->
  <xsl:template name="month-name">
    <xsl:param name="m"/>
    <xsl:value-of select="normalize-space(substring('January  February March    April    May      June     July     August   SeptemberOctober  November December ',
        $m * 9 - 8, 9 * ($m = floor($m))))"/>
  </xsl:template>

  <!-- "working-together" as "Working together". -->
  <xsl:template name="section-name">
    <xsl:param name="s"/>
    <xsl:choose>
      <xsl:when test="$s = ''">General</xsl:when>
      <xsl:otherwise>
        <xsl:variable name="t" select="translate($s, '-_/', '   ')"/>
        <xsl:value-of select="concat(translate(substring($t, 1, 1), $pc-lower, $pc-upper), substring($t, 2))"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="capitalise">
    <xsl:param name="s"/>
    <xsl:value-of select="concat(translate(substring($s, 1, 1), $pc-lower, $pc-upper), substring($s, 2))"/>
  </xsl:template>

  <!-- The review badge: state overdue | due-soon | current | none. -->
  <xsl:template name="review-badge">
    <xsl:param name="state"/>
    <xsl:param name="due"/>
    <xsl:param name="days"/>
    <xsl:choose>
      <xsl:when test="$state = 'overdue'">
        <strong class="tag tag--red">Review overdue</strong>
      </xsl:when>
      <xsl:when test="$state = 'due-soon'">
        <strong class="tag tag--yellow">Review due soon</strong>
      </xsl:when>
      <xsl:when test="$state = 'current'">
        <strong class="tag tag--green">In date</strong>
      </xsl:when>
      <!-- a draft, withdrawn or superseded document keeps its date
           (shown beside the badge) but is not judged by it -->
      <xsl:when test="string($due) != ''"/>
      <xsl:otherwise>
        <strong class="tag tag--grey">No review date</strong>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="status-badge">
    <xsl:param name="status"/>
    <xsl:if test="$status != 'active' and $status != ''">
      <strong class="tag tag--grey">
        <xsl:call-template name="capitalise"><xsl:with-param name="s" select="$status"/></xsl:call-template>
      </strong>
    </xsl:if>
  </xsl:template>

  <!-- A signed day count (due date minus today) as readers say it:
       "in 12 days", "in 2 months", "11 years 11 months overdue" (or
       "... ago" when overdue is false).  Months and years are counted on
       the calendar from $today and the date d when both are known; a
       count under a month stays in days.  days is a number, or a node
       or string holding one.  The words are written straight out, not
       made as a result tree fragment first, and the commonest cases are
       tested first: this runs for every row of the review page, twice
       for a document overdue or due soon. -->
  <xsl:template name="days-phrase">
    <xsl:param name="days"/>
    <xsl:param name="d" select="''"/>
    <xsl:param name="overdue" select="true()"/>
    <xsl:variable name="n" select="number($days)"/>
    <xsl:choose>
      <xsl:when test="$n &lt; 0 and ($n != -1 or $overdue)">
        <xsl:call-template name="span-words"><xsl:with-param name="days" select="$days"/><xsl:with-param name="d" select="$d"/></xsl:call-template>
        <xsl:choose><xsl:when test="$overdue"> overdue</xsl:when><xsl:otherwise> ago</xsl:otherwise></xsl:choose>
      </xsl:when>
      <xsl:when test="$n &gt; 0 and $n != 1">in <xsl:call-template name="span-words"><xsl:with-param name="days" select="$days"/><xsl:with-param name="d" select="$d"/></xsl:call-template></xsl:when>
      <xsl:when test="$n = 0">today</xsl:when>
      <xsl:when test="$n = 1">tomorrow</xsl:when>
      <xsl:when test="$n = -1">yesterday</xsl:when>
      <!-- not a number: nothing -->
    </xsl:choose>
  </xsl:template>

  <!-- The length of the span between $today and d in words ("1 year 2
       months", "5 months", "12 days"), from |days| when a date is missing. -->
  <xsl:template name="span-words">
    <xsl:param name="days"/>
    <xsl:param name="d" select="''"/>
    <!-- whole months from the earlier date to the later: the months
         between, one fewer when the later's day of the month comes
         before the earlier's -->
    <xsl:choose>
      <xsl:when test="string-length($d) = 10 and $pc-today-ok and $days &lt; 0">
        <xsl:call-template name="span-words-months">
          <xsl:with-param name="months" select="($pc-today-y - substring($d, 1, 4)) * 12 + $pc-today-m - substring($d, 6, 2)
              - ($pc-today-d &lt; number(substring($d, 9, 2)))"/>
          <xsl:with-param name="days" select="$days"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="string-length($d) = 10 and $pc-today-ok">
        <xsl:call-template name="span-words-months">
          <xsl:with-param name="months" select="(substring($d, 1, 4) - $pc-today-y) * 12 + substring($d, 6, 2) - $pc-today-m
              - (number(substring($d, 9, 2)) &lt; $pc-today-d)"/>
          <xsl:with-param name="days" select="$days"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="span-words-months">
          <xsl:with-param name="months" select="floor(translate(string($days), '-', '') * 12 div 365.2425)"/>
          <xsl:with-param name="days" select="$days"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- span-words once the months are counted: under one, |days| days. -->
  <xsl:template name="span-words-months">
    <xsl:param name="months"/>
    <xsl:param name="days"/>
    <xsl:choose>
      <xsl:when test="$months &lt; 1">
        <xsl:variable name="n" select="number(translate(string($days), '-', ''))"/>
        <xsl:value-of select="$n"/><xsl:text> day</xsl:text><xsl:if test="$n != 1">s</xsl:if>
      </xsl:when>
      <xsl:when test="$months &lt; 12">
        <xsl:value-of select="$months"/><xsl:text> month</xsl:text><xsl:if test="$months != 1">s</xsl:if>
      </xsl:when>
      <xsl:when test="$months &gt;= 12">
        <xsl:variable name="y" select="floor($months div 12)"/>
        <xsl:variable name="m" select="$months mod 12"/>
        <xsl:value-of select="$y"/><xsl:text> year</xsl:text><xsl:if test="$y != 1">s</xsl:if>
        <xsl:if test="$m &gt; 0">
          <xsl:text> </xsl:text><xsl:value-of select="$m"/><xsl:text> month</xsl:text><xsl:if test="$m != 1">s</xsl:if>
        </xsl:if>
      </xsl:when>
      <!-- not a number (a date that is not one): nothing -->
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
