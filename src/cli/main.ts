console.log("oss-pulse");
