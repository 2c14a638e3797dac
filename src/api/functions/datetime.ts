/** Column builders: datetime functions (Spark's Python/Scala names and signatures). */
export {};
