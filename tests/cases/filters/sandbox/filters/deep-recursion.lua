local function down(n) return down(n + 1) + 1 end
return { document = function() down(1) end }
