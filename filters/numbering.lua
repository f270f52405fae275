-- numbering.lua — hand-typed paragraph numbers used twice (rule
-- numbering-duplicate).  Converted procedures number their paragraphs by
-- hand ("4.21 The LADO will ..."); when a paragraph is copied or an edit
-- renumbers only part of a section, two paragraphs end up with the same
-- number and cross-references ("see 4.21") become ambiguous.  Reported at
-- the second use.

-- policyc: document-local
-- (its document() reads only the document it is given and keeps nothing
-- between documents: the build cache may replay its findings, see
-- docs/decisions.md "Incremental builds")
local F = { rules = { "numbering-duplicate" } }

function F.document(doc, ctx)
  local seen = {}
  for _, p in ipairs(doc.paragraphs) do
    local i = 0
    for line in (p.text .. "\n"):gmatch("([^\n]*)\n") do
      local num = line:match("^%s*(%d+%.%d+[%d.]*)%f[%s\0]")
      if num then
        num = num:gsub("%.$", "")
        local at = p.line + i
        if seen[num] then
          ctx.report("numbering-duplicate",
            ("paragraph number %s is used twice (first at line %d)"):format(num, seen[num]),
            { line = at, column = i == 0 and p.column or 0 })
        else
          seen[num] = at
        end
      end
      i = i + 1
    end
  end
end

return F
