-- reports on the first document, then hangs inside string.find on the
-- second: a job that does not end whole counts none of its reports
local F = { rules = { "partial-rule" } }
function F.document(doc, ctx)
  ctx.report("partial-rule", "reported before the hang", { line = 1 })
  if doc.path:find("two") then
    local s = ("a"):rep(40)
    s:find(("a*"):rep(40) .. "b")
  end
end
return F
