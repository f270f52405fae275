local F = { rules = { "x" }
function F.document(doc, ctx)
  ctx.report("x", "never" 
end
return F
