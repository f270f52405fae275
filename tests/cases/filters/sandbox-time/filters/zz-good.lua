-- a well-behaved project rule: runs after all the broken ones
local F = { rules = { "good-rule" } }
function F.document(doc, ctx)
  ctx.report("good-rule", "checked " .. doc.title, { line = 1 })
end
return F
