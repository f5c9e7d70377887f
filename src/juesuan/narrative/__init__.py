"""第三部分 (情况说明): claims read from the narrative, checked against the tables; drafted from them."""
