return { document = function() while true do end end }
