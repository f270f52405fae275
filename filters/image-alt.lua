-- image-alt.lua — images without a text alternative (rule image-alt,
-- WCAG 1.1.1 Non-text Content).  In Markdown the alternative is the text
-- in the brackets: ![Organisation chart of the safeguarding team](org.png).

-- policyc: document-local
-- (its document() reads only the document it is given and keeps nothing
-- between documents: the build cache may replay its findings, see
-- docs/decisions.md "Incremental builds")
local F = { rules = { "image-alt" } }

function F.document(doc, ctx)
  for _, img in ipairs(doc.images) do
    if not img.alt:find("%S") then
      ctx.report("image-alt",
        ('image "%s" has no alt text; write what it shows between the brackets')
        :format(img.src), { line = img.line, column = img.column })
    end
  end
end

return F
