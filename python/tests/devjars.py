"""
DEVELOPMENT FALLBACK, until the repository builds txtrain-assembly/target/txtrain-assembly-*.jar:
the jars that stand in for the assembly jar, from this repository's Maven build, as a value for
TXTRAIN_JAR. They are the spark-plugin module's jar plus its runtime dependencies minus what
pyspark brings itself (Spark, Scala, Hadoop client, log4j, slf4j), so no second Spark is on the
classpath.

Remove this file and its use in conftest.py once the assembly jar exists: txtrain.find_jars then
finds the assembly jar on its own (or TXTRAIN_JAR names it).
"""

import glob
import os
import subprocess
from pathlib import Path
from typing import List

REPO = Path(__file__).resolve().parents[2]
EXCLUDED_GROUPS = "org.apache.spark,org.scala-lang,org.scala-lang.modules,org.apache.hadoop,org.apache.logging.log4j,org.slf4j"


def dev_jars() -> List[str]:
    """The module jar (built by `mvn package`/`verify`) and its filtered runtime classpath."""
    module_jars = [j for j in glob.glob(str(REPO / "spark-plugin" / "target" / "txtrain-spark-plugin-*.jar"))
                   if not j.endswith(("-sources.jar", "-tests.jar", "-javadoc.jar"))]
    if not module_jars:
        raise FileNotFoundError(
            "no spark-plugin/target/txtrain-spark-plugin-*.jar: build it first "
            "(mvn -B -ntp verify, or mvn -B -ntp -pl spark-plugin package -DskipTests)")
    module_jar = max(module_jars, key=os.path.getmtime)
    out = REPO / "spark-plugin" / "target" / "python-dev-classpath.txt"
    if not out.exists() or out.stat().st_mtime < (REPO / "spark-plugin" / "pom.xml").stat().st_mtime \
            or out.stat().st_mtime < (REPO / "pom.xml").stat().st_mtime:
        cmd = ["mvn", "-q", "-B", "-ntp", *os.environ.get("TXTRAIN_MVN_ARGS", "").split(), "-f", str(REPO / "pom.xml"),
               "-pl", "spark-plugin", "dependency:build-classpath", "-DincludeScope=runtime",
               f"-DexcludeGroupIds={EXCLUDED_GROUPS}", f"-Dmdep.outputFile={out}"]
        subprocess.run(cmd, check=True)
    deps = [p for p in out.read_text().strip().split(os.pathsep) if p]
    return [module_jar, *deps]


if __name__ == "__main__":
    # e.g. export TXTRAIN_JAR="$(python python/tests/devjars.py)" to use the Maven build's jars in Jupyter
    print(os.pathsep.join(dev_jars()))
