-- A project rule: its id is a known rule name under rules:.
local F = { rules = { "old-switchboard" } }
function F.document(doc, ctx) end
return F
