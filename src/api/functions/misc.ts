/** Column builders: misc functions (Spark's Python/Scala names and signatures). */
export {};
