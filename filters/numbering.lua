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

local find, match, byte = string.find, string.match, string.byte

-- A number at the start of a line: after the line's own spaces (%s less
-- the newline, so never running on into the next line), then a space or
-- the line's end.
local NUMBER = "^[ \t\v\f\r]*(%d+%.%d+[%d.]*)%f[%s\0]"

-- Whether byte c can start a numbered line: a digit or a space.
local function may_start(c)
  return c ~= nil and (c >= 48 and c <= 57 or c == 32 or (c >= 9 and c <= 13))
end

function F.document(doc, ctx)
  local seen = {}
  for _, p in ipairs(doc.paragraphs) do
    -- line by line, without a string for each line: most lines start
    -- with a letter and are passed over at their first byte
    local text, pos, i = p.text, 1, 0
    while true do
      local num = may_start(byte(text, pos)) and match(text, NUMBER, pos)
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
      local nl = find(text, "\n", pos, true)
      if not nl then break end
      pos, i = nl + 1, i + 1
    end
  end
end

return F
