-- each round raises and catches an error: few VM instructions, much C time
return { document = function()
  local function f() error(("x"):rep(200)) end
  while true do pcall(f) end
end }
