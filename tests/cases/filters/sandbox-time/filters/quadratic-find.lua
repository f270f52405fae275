-- "a-b" over a million a's: a trillion steps inside string.find
return { document = function()
  local s = ("a"):rep(1000000)
  s:find("a-b")
end }
