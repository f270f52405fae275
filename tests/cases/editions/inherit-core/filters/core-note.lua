-- The core's filter: an edition inherits it.
local F = { rules = { "core-note" } }
function F.document(doc, ctx)
  ctx.report("core-note", "the core's filter saw " .. doc.id, { line = 1 })
end
return F
