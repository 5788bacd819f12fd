// filled by the public verification page
