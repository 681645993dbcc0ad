# Scores the WAI-shaped file with psych::scoreItems, as an R user would.
# usage: Rscript score.R readcsv|datatable IN.csv OUT.csv
# Subscales: mean of the answered items, left empty (NA) when more than 1 of the 4 items is missing;
# total: mean of the answered items (NA when none). Items 3 and 7 are reverse-keyed (6 - x on a 1-5 scale).
args <- commandArgs(trailingOnly = TRUE)
reader <- args[1]; input <- args[2]; output <- args[3]
suppressPackageStartupMessages(library(psych))
items <- paste0("w", 1:12)
if (reader == "datatable") {
  suppressPackageStartupMessages(library(data.table))
  d <- fread(input, colClasses = c(respondent_id = "character"))
  x <- as.data.frame(d[, ..items])
} else {
  d <- read.csv(input, colClasses = c(respondent_id = "character"))
  x <- d[, items]
}
keys <- list(task = c("w1", "w2", "w10", "w12"), bond = c("-w3", "w5", "-w7", "w9"),
             goal = c("w4", "w6", "w8", "w11"),
             total = c("w1", "w2", "-w3", "w4", "w5", "w6", "-w7", "w8", "w9", "w10", "w11", "w12"))
# (scoreItems also reports reliabilities; its warnings about them do not concern the scores)
s <- suppressWarnings(scoreItems(keys, x, totals = FALSE, missing = TRUE, impute = "none", min = 1, max = 5))$scores
for (k in c("task", "bond", "goal")) {
  cols <- sub("^-", "", keys[[k]])
  s[rowSums(is.na(x[, cols])) > 1, k] <- NA
}
s[rowSums(!is.na(x)) == 0, "total"] <- NA
out <- data.frame(respondent_id = d$respondent_id, s, check.names = FALSE)
if (reader == "datatable") {
  fwrite(out, output, na = "")
} else {
  write.csv(out, output, row.names = FALSE, na = "", quote = FALSE)
}
