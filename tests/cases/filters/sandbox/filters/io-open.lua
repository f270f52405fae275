local f = io.open("pwned-io", "w") f:write("x") f:close()
return {}
