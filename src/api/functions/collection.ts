/** Column builders: collection functions (Spark's Python/Scala names and signatures). */
export {};
