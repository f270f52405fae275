return { rules = "review-overdue", document = function() end }
