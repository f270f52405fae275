<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE xsl:stylesheet [ <!ENTITY xxe SYSTEM "../../../outside/secret.txt"> ]>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template name="evil">
    <p class="xxe">&xxe;</p>
  </xsl:template>
</xsl:stylesheet>
