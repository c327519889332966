"""Every read path, by domain. Visibility rules live here so lists, pages and counts agree."""
