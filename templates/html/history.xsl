<?xml version="1.0" encoding="UTF-8"?>
<!--
  history.xsl - the release history on the site (compiler/history.c):
  a document's "Changes" (each release, newest first, with what changed
  as a word-level diff: <ins> and <del>, not a patch), the banner of a
  build of the past (build as-of: "As in force on ... - not the current
  version") on every page, and the mark on an amendment proposed from the
  history.  Included by layout.xsl, so every page stylesheet has it.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <!-- On every page of a build of the past. -->
  <xsl:template match="@as-of-label" mode="pc-banner">
    <div class="notice notice--warning as-of" role="note">
      <p><strong><xsl:value-of select="."/></strong></p>
    </div>
  </xsl:template>

  <!-- After an amendment's text. -->
  <xsl:template match="@generated" mode="pc-generated">
    <xsl:text> </xsl:text>
    <span class="tag tag--grey generated">Generated from the release history</span>
  </xsl:template>

  <xsl:template match="changes" mode="pc-changes">
    <section class="doc-changes" aria-labelledby="pc-changes-h">
      <h2 id="pc-changes-h">Changes</h2>
      <xsl:choose>
        <xsl:when test="version">
          <ol class="changes-list">
            <xsl:apply-templates select="version" mode="pc-changes"/>
          </ol>
        </xsl:when>
        <xsl:otherwise>
          <p>This document has not been in a release yet.</p>
        </xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>

  <xsl:template match="version" mode="pc-changes">
    <li class="change">
      <h3 class="change__heading">
        <xsl:value-of select="@tag"/>
        <xsl:text>, </xsl:text>
        <xsl:call-template name="date"><xsl:with-param name="d" select="string(@date)"/></xsl:call-template>
        <xsl:if test="@version">
          <xsl:text> (version </xsl:text>
          <xsl:value-of select="@version"/>
          <xsl:text>)</xsl:text>
        </xsl:if>
      </h3>
      <p>
        <xsl:choose>
          <xsl:when test="@change = 'added'">First released.</xsl:when>
          <xsl:when test="@change = 'renamed'">
            <xsl:text>Moved from </xsl:text><code><xsl:value-of select="@from"/></code>
            <xsl:text> to </xsl:text><code><xsl:value-of select="@path"/></code>
            <xsl:text>.</xsl:text>
            <xsl:if test="summary"><xsl:text> </xsl:text><xsl:value-of select="summary"/><xsl:text>.</xsl:text></xsl:if>
          </xsl:when>
          <xsl:when test="summary"><xsl:value-of select="summary"/><xsl:text>.</xsl:text></xsl:when>
          <xsl:otherwise>Details only (the text is the same).</xsl:otherwise>
        </xsl:choose>
        <xsl:if test="../@archive = 'yes' and @folder">
          <xsl:text> </xsl:text>
          <a href="{$pc-root}archive/{@folder}/{@id}.html">
            <xsl:text>The document as released in </xsl:text>
            <xsl:value-of select="@tag"/>
          </a>
        </xsl:if>
      </p>
      <xsl:for-each select="section">
        <div class="change__section">
          <h4 class="change__label">
            <xsl:value-of select="@label"/>
            <xsl:choose>
              <xsl:when test="@change = 'added'"> (added)</xsl:when>
              <xsl:when test="@change = 'removed'"> (removed)</xsl:when>
            </xsl:choose>
          </h4>
          <xsl:for-each select="para">
            <p class="change__para change__para--{@change}">
              <xsl:apply-templates mode="pc-diff"/>
            </p>
          </xsl:for-each>
        </div>
      </xsl:for-each>
    </li>
  </xsl:template>

  <!-- The marks say what they are to a screen reader too. -->
  <xsl:template match="ins" mode="pc-diff">
    <ins><span class="visually-hidden">[added: </span><xsl:value-of select="."/><span class="visually-hidden">]</span></ins>
  </xsl:template>
  <xsl:template match="del" mode="pc-diff">
    <del><span class="visually-hidden">[removed: </span><xsl:value-of select="."/><span class="visually-hidden">]</span></del>
  </xsl:template>
</xsl:stylesheet>
