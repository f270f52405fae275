-- sections.lua — required sections (rule section-missing).  A project
-- lists, per document type, the headings every document of that type must
-- have; a heading counts however it was typed: any case, with hand
-- numbering ("4. PURPOSE", "4.2 Purpose:"), with emphasis ("## **Purpose**"),
-- or as a paragraph that is only bold text ("**Purpose**"), as documents
-- converted from Word often have.
--
-- Settings (policyc.yaml):
--   rules:
--     section-missing:
--       policy: [Introduction, Purpose, Monitoring]
--       procedure: [Introduction]

-- policyc: document-local
-- (its document() reads only the document it is given and keeps nothing
-- between documents but a memo of norm(): the build cache may replay its
-- findings, see docs/decisions.md "Incremental builds")
local F = { rules = { "section-missing" } }

-- "4.2. **Purpose**:" -> "purpose"
local function norm(s)
  s = s:lower()
  s = s:gsub("[*_`]", "")
  s = s:gsub("^%s*section%s+%d+[%d.]*[.:)]?%s+", "")   -- "Section 4: Purpose"
  s = s:gsub("^%s*%d+[%d.]*[.)]?%s+", "")               -- "4.", "4.2", "4)"
  s = s:gsub("^%s*%(?[a-z]%)%s+", "")                   -- "(a) ", "a) "
  s = s:gsub("[%s%p]+$", "")                            -- trailing ":" etc.
  s = s:gsub("%s+", " "):gsub("^ ", "")
  s = s:gsub("&", "and")
  return s
end

-- norm() of texts already seen: documents of a project share their
-- headings ("Introduction", "Purpose"), and the seven gsubs of each were
-- most of this filter's time.  A memo of a pure function: what
-- document() reports still depends on its document alone.
local normed, nnormed = {}, 0

local function norm_memo(text)
  local n = normed[text]
  if n == nil then
    n = norm(text)
    if nnormed >= 8192 then normed, nnormed = {}, 0 end
    normed[text], nnormed = n, nnormed + 1
  end
  return n
end

function F.document(doc, ctx)
  local wanted = ctx.config[doc.type] or ctx.config[doc.type:lower()]
  if type(wanted) ~= "table" then return end
  local have = {}
  for _, h in ipairs(doc.headings) do have[norm_memo(h.text)] = true end
  for _, p in ipairs(doc.paragraphs) do
    if p.heading_like then have[norm_memo(p.text)] = true end
  end
  for _, name in ipairs(wanted) do
    if not have[norm_memo(tostring(name))] then
      ctx.report("section-missing",
        ('required section "%s" is missing (every %s needs it)'):format(name, doc.type),
        { line = doc.meta_lines.type, column = doc.meta_columns.type })
    end
  end
end

return F
