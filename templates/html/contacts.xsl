<?xml version="1.0" encoding="UTF-8"?>
<!--
  contacts.xsl - the contacts page (html/contacts.html) from corpus.xml:
  every contact policyc.yaml defines (contacts:), with its details, when
  it was last verified (flagged when older than contact-stale's window,
  as the compiler judged), and the documents that use it through
  {{contacts.NAME...}}.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="layout.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" omit-xml-declaration="yes" indent="no"/>

  <xsl:template match="/">
    <xsl:variable name="contacts" select="/corpus/contacts/contact"/>
    <xsl:call-template name="page">
      <xsl:with-param name="title" select="'Contacts'"/>
      <xsl:with-param name="current" select="'contacts'"/>
      <xsl:with-param name="crumbs">
        <xsl:call-template name="crumb"><xsl:with-param name="label" select="'Contacts'"/></xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="content">
        <h1>Contacts</h1>
        <p class="lead">The people and services these documents tell readers to contact, and where each is named.</p>
        <xsl:choose>
          <xsl:when test="$contacts">
            <xsl:for-each select="$contacts">
              <xsl:sort select="translate(name, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')"/>
              <section class="contact" id="contact-{@id}" aria-labelledby="contact-{@id}-h">
                <h2 id="contact-{@id}-h">
                  <xsl:choose>
                    <xsl:when test="name"><xsl:value-of select="name"/></xsl:when>
                    <xsl:otherwise><xsl:value-of select="@id"/></xsl:otherwise>
                  </xsl:choose>
                </h2>
                <div class="table-wrap"><table class="summary"><caption class="visually-hidden">Details</caption><tbody>
                  <xsl:if test="role"><tr><th scope="row">Role</th><td><xsl:value-of select="role"/></td></tr></xsl:if>
                  <xsl:if test="phone">
                    <tr><th scope="row">Telephone</th>
                    <td><a href="tel:{translate(phone, ' ()-.', '')}"><xsl:value-of select="phone"/></a></td></tr>
                  </xsl:if>
                  <xsl:if test="email">
                    <tr><th scope="row">E-mail</th>
                    <td><a href="mailto:{email}"><xsl:value-of select="email"/></a></td></tr>
                  </xsl:if>
                  <xsl:if test="address"><tr><th scope="row">Address</th><td><xsl:value-of select="address"/></td></tr></xsl:if>
                  <xsl:if test="hours"><tr><th scope="row">Hours</th><td><xsl:value-of select="hours"/></td></tr></xsl:if>
                  <xsl:if test="url">
                    <tr><th scope="row">Website</th>
                    <td><a href="{url}"><xsl:value-of select="url"/></a></td></tr>
                  </xsl:if>
                  <tr><th scope="row">Last checked</th>
                  <td>
                    <xsl:choose>
                      <xsl:when test="verified">
                        <xsl:call-template name="date"><xsl:with-param name="d" select="string(verified)"/></xsl:call-template>
                        <xsl:if test="verified/@stale = 'true'">
                          <xsl:text> </xsl:text><strong class="tag tag--red">Needs checking</strong>
                        </xsl:if>
                      </xsl:when>
                      <xsl:otherwise>Not recorded</xsl:otherwise>
                    </xsl:choose>
                  </td></tr>
                  <tr><th scope="row">Named in</th>
                  <td>
                    <xsl:choose>
                      <xsl:when test="used-by">
                        <ul>
                          <xsl:for-each select="used-by">
                            <xsl:sort select="@title"/>
                            <li><a href="{@doc}.html"><xsl:value-of select="@title"/></a></li>
                          </xsl:for-each>
                        </ul>
                      </xsl:when>
                      <xsl:otherwise>No document</xsl:otherwise>
                    </xsl:choose>
                  </td></tr>
                </tbody></table></div>
              </section>
            </xsl:for-each>
          </xsl:when>
          <xsl:otherwise><p>This project lists no contacts (contacts: in policyc.yaml).</p></xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
