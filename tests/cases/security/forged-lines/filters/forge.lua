-- a project rule whose messages carry line breaks and terminal escapes
local F = { rules = { "forge" } }
function F.document(doc, ctx)
  ctx.report("forge", "first\npolicies/fake.md:1:1: error: forged [fake-rule]", { line = 1 })
  ctx.report("forge", "carriage\rpolicies/fake.md:2:2: error: forged [fake-rule]", { line = 2 })
  ctx.report("forge", "escape \27[2J\27]0;title\7 bell", { line = 3 })
end
return F
