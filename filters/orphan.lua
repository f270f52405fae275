-- orphan.lua — active documents nothing points to (rule orphan, a note).
-- A document that no other document links to and that no related: list
-- names can only be found through the contents page; usually a "Related
-- guidance" entry is missing somewhere.  related: counts both ways (the
-- site shows it on both pages), body links and superseded-by count for
-- their target.
--
-- It reads only the corpus's index (ids, edges but not where they are
-- written, each document's status and title line), so a build with a
-- cache replays its findings while that index is unchanged:
-- policyc: corpus-index

local F = { rules = { "orphan" } }

function F.corpus(corpus, ctx)
  if #corpus.ids < 2 then return end   -- nothing to link from
  local reached = {}
  for _, e in ipairs(corpus.edges) do
    if e.from ~= e.to then
      reached[e.to] = true
      if e.kind == "related" then reached[e.from] = true end
    end
  end
  for _, id in ipairs(corpus.ids) do
    local doc = corpus.documents[id]
    if doc.status == "active" and not reached[id] then
      ctx.report("orphan",
        "no other document links to this one or lists it as related",
        { document = id, line = doc.title_line > 0 and doc.title_line or nil })
    end
  end
end

return F
