-- view.lua — what a corpus filter sees of the corpus (luamodel.c): a
-- missing id is nil, a document read twice is the same table, pairs walks
-- every document (twice alike), ids and edges are whole.
local F = { rules = { "corpus-view" } }

function F.corpus(corpus, ctx)
  local missing = corpus.documents["no-such-document"]
  local b = corpus.documents["b"]
  local seen = {}
  for id, doc in pairs(corpus.documents) do
    seen[#seen + 1] = id .. "=" .. doc.title .. "/" .. doc.review_state
  end
  table.sort(seen)
  local again = 0
  for _ in pairs(corpus.documents) do again = again + 1 end
  ctx.report("corpus-view", string.format(
    "missing=%s b=%s same=%s ids=%d edges=%d pairs=%d again=%d [%s]",
    tostring(missing), b.title, tostring(b == corpus.documents.b),
    #corpus.ids, #corpus.edges, #seen, again, table.concat(seen, ", ")),
    { document = "a" })
end

return F
