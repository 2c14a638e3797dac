/** Column builders: json and csv functions (Spark's Python/Scala names and signatures). */
export {};
