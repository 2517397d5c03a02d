package io.carrara.cli;

import io.carrara.api.access.NewUser;
import io.carrara.api.access.Role;
import io.carrara.api.access.Token;
import io.carrara.api.access.User;
import io.carrara.api.access.WhoAmI;
import io.carrara.client.CarraraClient;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code carrara user create|list|disable|enable}, for server admins, and {@code carrara whoami}. */
@Command(name = "user", description = "Create, list, disable and enable users of the server (admins only).",
        subcommands = {UserCommand.Create.class, UserCommand.Listing.class, UserCommand.Disable.class, UserCommand.Enable.class})
final class UserCommand extends GroupCommand {

    @Command(name = "create", description = "Create a user; give it a token with 'carrara token create --for-user NAME'.")
    static final class Create extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "The user's name.")
        String name;

        @Option(names = "--admin", description = "Make the user a server admin: every right on every project.")
        boolean admin;

        @Option(names = "--group", paramLabel = "GROUP", description = "A group the user belongs to, granted roles as"
                + " group:GROUP (repeatable).")
        List<String> groups;

        @Override
        void execute(CarraraClient client) {
            User user = client.access().createUser(new NewUser(name, admin ? Boolean.TRUE : null, groups));
            out().println("created user " + user.name() + (user.admin() ? " (admin)" : "")
                    + (user.groups().isEmpty() ? "" : " in groups " + String.join(", ", user.groups())));
        }
    }

    @Command(name = "list", description = "List users.")
    static final class Listing extends ClientCommand {
        @Override
        void execute(CarraraClient client) {
            TextTable table = TextTable.withHeader("name", "admin", "groups", "disabled", "created_at", "created_by");
            for (User user : client.access().users()) {
                table.row(user.name(), yesNo(user.admin()), String.join(",", user.groups()), yesNo(user.disabled()),
                        user.createdAt(), user.createdBy());
            }
            table.print(out());
        }
    }

    @Command(name = "disable", description = "Disable a user: its tokens are refused until it is enabled again; its"
            + " grants stay.")
    static final class Disable extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "The user.")
        String name;

        @Override
        void execute(CarraraClient client) {
            out().println("disabled user " + client.access().disableUser(name).name());
        }
    }

    @Command(name = "enable", description = "Enable a disabled user again.")
    static final class Enable extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "The user.")
        String name;

        @Override
        void execute(CarraraClient client) {
            out().println("enabled user " + client.access().enableUser(name).name());
        }
    }

    @Command(name = "whoami", description = "Show who the server takes you to be: user, groups, the token used and"
            + " your role in each project.")
    static final class WhoAmICommand extends ClientCommand {
        @Override
        void execute(CarraraClient client) {
            WhoAmI me = client.access().whoami();
            TextTable table = TextTable.keyValue()
                    .row("user", me.user())
                    .row("admin", yesNo(me.admin()))
                    .row("groups", String.join(", ", me.groups()))
                    .row("authentication", me.authenticationEnabled() ? "on" : "off (the server trusts --user)");
            Token token = me.token();
            if (token != null) {
                table.row("token", token.id() + (token.name() == null ? "" : " (" + token.name() + ")"))
                        .row("token_scope", TokenCommand.scope(token))
                        .row("token_expires", token.expiresAt());
            }
            if (me.projects().isEmpty()) {
                table.row("projects", me.admin() ? "all (admin)" : null);
            }
            for (Map.Entry<String, Role> project : new TreeMap<>(me.projects()).entrySet()) {
                table.row("project." + project.getKey(), project.getValue().wireName());
            }
            table.print(out());
        }
    }

    static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }
}
