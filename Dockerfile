# osfit's container image: a JRE, osfit's jar split into layers (dependencies change less often
# than osfit's own classes, so a rebuild pushes only the small top layer), a non-root user.
#
#   docker build -t osfit:0.1.0 .
#
# The equivalent without a Dockerfile (Cloud Native Buildpacks, also non-root):
#   mvn -B spring-boot:build-image
#
# Neither can run on the machine osfit is developed on (no container engine, no access to image
# registries); there, `mvn -B -q package -DskipTests -Pimage` builds the same image from Debian's
# packages (src/main/image/build.sh; README, "Container image"): keep the two in step (layers, user
# 10001, JAVA_TOOL_OPTIONS, ports, entrypoint). Tests are not run here: run `.ci/run` first.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q -DskipTests package \
 && cp target/osfit-*-exec.jar osfit.jar \
 && java -Djarmode=tools -jar osfit.jar extract --layers --destination /layers \
 && mkdir -p /layers/dependencies /layers/spring-boot-loader /layers/snapshot-dependencies /layers/application

FROM eclipse-temurin:17-jre
# A fixed numeric UID, so runAsNonRoot can check it without resolving names.
RUN groupadd --system --gid 10001 osfit && useradd --system --uid 10001 --gid osfit --no-create-home osfit
WORKDIR /app
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# Class data sharing, as src/main/image/build.sh does it: one run until the context is ready writes the
# classes osfit loads into an archive that every start maps (about a third faster to ready).
RUN java -XX:ArchiveClassesAtExit=/app/osfit.jsa -Dspring.context.exit=onRefresh -jar /app/osfit.jar \
      --osfit.nodes.source=request --server.port=0 --logging.level.root=WARN
USER 10001:10001
# Heap sized from the container's memory limit; an OutOfMemoryError restarts the pod rather than
# leaving a half-working extender behind.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:SharedArchiveFile=/app/osfit.jsa" \
    SERVER_ADDRESS=0.0.0.0
EXPOSE 8888 8889
ENTRYPOINT ["java", "-jar", "/app/osfit.jar"]
