-- a finalizer that hangs in C while the Lua state is closed
local keep = setmetatable({}, { __gc = function()
  ("a"):rep(40):find(("a*"):rep(40) .. "b")
end })
return { rules = { "finalizer-rule" }, document = function() local _ = keep end }
