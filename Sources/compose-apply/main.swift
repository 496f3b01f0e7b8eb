import Apply
