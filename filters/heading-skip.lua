-- heading-skip.lua — headings that skip a level (rule heading-skip): an h4
-- straight after an h2 breaks the outline screen readers, the on-page
-- contents and the PDF bookmarks are built from.  The document title
-- counts as level 1.

-- policyc: document-local
-- (its document() reads only the document it is given and keeps nothing
-- between documents: the build cache may replay its findings, see
-- docs/decisions.md "Incremental builds")
local F = { rules = { "heading-skip" } }

function F.document(doc, ctx)
  local prev = 1
  for _, h in ipairs(doc.headings) do
    if h.level > prev + 1 then
      ctx.report("heading-skip",
        ('heading "%s" is level %d straight after level %d; use level %d')
        :format(h.text, h.level, prev, prev + 1), { line = h.line })
    end
    prev = h.level
  end
end

return F
