-- backtracking without end inside one call of string.find
return { document = function()
  local s = ("a"):rep(40)
  s:find(("a*"):rep(40) .. "b")
end }
