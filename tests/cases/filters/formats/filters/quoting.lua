-- Reports messages full of characters each output format must escape.
local F = { rules = { "quoting", "quoting-note" } }

function F.document(doc, ctx)
  if doc.id ~= "overdue" then return end
  ctx.report("quoting", 'quote " backslash \\ tab \t newline \n cr \r percent 100% colon: comma, <tag> & ]]> \'apos\'', { line = 7, column = 1 })
  ctx.report("quoting", "control \1\2\31 del \127 unicode é ü – “quotes” 𝄞 emoji 😀 line sep \u{2028} para sep \u{2029} end", { line = 9 })
  ctx.report("quoting-note", "a note: 50%,  done", { severity = "note" })
end

return F
