-- Replaced in the edition by its own shared.lua: never runs there.
local F = { rules = { "shared-check" } }
function F.document(doc, ctx)
  ctx.report("shared-check", "the core's shared.lua ran on " .. doc.id, { line = 1 })
end
return F
